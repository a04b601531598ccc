import { describe, expect, it } from "vitest";
import { parseMatrixEndpoint } from "./parse-endpoint.js";

describe("parseMatrixEndpoint", () => {
  it.each([
    ["shop/web", { kind: "workload", namespace: "shop", name: "web" }, "shop/web"],
    ["ip:10.0.0.1", { kind: "ip", ip: "10.0.0.1" }, "ip:10.0.0.1"],
    ["10.0.0.1", { kind: "ip", ip: "10.0.0.1" }, "ip:10.0.0.1"],
    ["ip:2001:db8::1", { kind: "ip", ip: "2001:db8::1" }, "ip:2001:db8::1"],
    ["cidr:10.0.0.0/8", { kind: "cidr", cidr: "10.0.0.0/8" }, "cidr:10.0.0.0/8"],
    ["fqdn:API.Stripe.com.", { kind: "fqdn", name: "api.stripe.com" }, "fqdn:API.Stripe.com."],
    ["entity:kube-apiserver", { kind: "entity", entity: "kube-apiserver" }, "entity:kube-apiserver"],
    ["entity:remote-node", { kind: "entity", entity: "remote-node" }, "entity:remote-node"],
    [{ namespace: "shop", labels: { tier: "db", app: "pg" } }, { kind: "labels", namespace: "shop", labels: [["app", "pg"], ["tier", "db"]] }, "shop{app=pg,tier=db}"],
  ])("reads %j", (value, endpoint, text) => {
    expect(parseMatrixEndpoint(value)).toEqual({ ok: true, endpoint, text });
  });

  it.each([
    ["web", 'must be ns/workload, {namespace, labels}, ip:A.B.C.D, cidr:PREFIX/BITS, fqdn:NAME or entity:NAME, got "web"'],
    ["Shop/web", '"Shop" is not a valid namespace name (DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit)'],
    ["ip:10.0.0.300", '"10.0.0.300" is not an IP address'],
    ["cidr:10.0.0.0/33", '"10.0.0.0/33" is not a CIDR prefix such as 10.0.0.0/8'],
    ["entity:cluster", 'unknown entity "cluster"; one of host, world, remote-node, kube-apiserver, health, ingress, init, unmanaged'],
    ["pod:shop/web", 'must be ns/workload, {namespace, labels}, ip:A.B.C.D, cidr:PREFIX/BITS, fqdn:NAME or entity:NAME, got "pod:shop/web"'],
    [{ namespace: "shop" }, "labels: must be a map of label keys to values"],
    [{ namespace: "shop", labels: { app: true } }, 'labels.app: must be a string (quote values such as "true" or "1")'],
    [{ namespace: "shop", labels: {}, pod: "x" }, 'unknown field "pod"; an endpoint object has namespace and labels'],
    [42, "must be ns/workload, {namespace, labels}, ip:A.B.C.D, cidr:PREFIX/BITS, fqdn:NAME or entity:NAME"],
  ])("refuses %j", (value, message) => {
    expect(parseMatrixEndpoint(value)).toEqual({ ok: false, message });
  });
});
