import { describe, expect, it } from "vitest";
import { ciliumLabelProblem } from "./label-check.js";

describe("ciliumLabelProblem", () => {
  it.each([
    "k8s:app=ratings",
    "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=bookinfo",
    `k8s:io.cilium.k8s.namespace.labels.${"n".repeat(63)}=x`,
    "k8s:io.cilium.k8s.policy.cluster=kind-kind",
    `k8s:io.cilium.k8s.policy.serviceaccount=${"s".repeat(100)}`,
    "k8s:io.kubernetes.pod.namespace=bookinfo",
    "k8s:sidecar.opentelemetry.io/injected=bookinfo.otelcol-bookinfo",
    "k8s:flag",
    "reserved:world",
    "reserved:world-ipv6",
    "reserved:kube-apiserver",
    "cidr:10.0.0.0/8",
    "cidr:0.0.0.0/0",
    "cidr:2001-db8--0/32",
    "cidr:0--0/0",
    "cidr:fd00--1/128",
    "cidr:0--ffff-10.0.0.1/128",
    "fqdn:*.example.com",
    "fqdn:api.example.com",
    "unspec:team=a",
    "cilium-generated:io.cilium.k8s.policy.name=x",
  ])("accepts %j, a label Cilium writes", (label) => {
    expect(ciliumLabelProblem(label)).toBeUndefined();
  });

  it.each([
    ["k8s:a/b/c=x", "a label key has at most one '/'"],
    ["k8s:=x", "a label key's name must not be empty"],
    [`k8s:app=${"v".repeat(64)}`, "a label value has at most 63 characters"],
    ["k8s:app=a\nb", /^a label value has letters/],
    ["k8s:io.kubernetes.pod.namespace=../..", /^DNS-1123 label/],
    ["k8s:io.kubernetes.pod.namespace=", /^DNS-1123 label/],
    ["k8s:io.cilium.k8s.policy.cluster=Kind_Kind", /^DNS-1123 label/],
    ["k8s:io.cilium.k8s.namespace.labels.a/b/c=x", "a label key has at most one '/'"],
    ["K8S:app=x", "a label source is a lower-case word"],
    ["reserved:World", /^a reserved label names an entity/],
    ["cidr:10.0.0.0/33", "a cidr label's prefix length is 0 to 32"],
    ["cidr:10.0.0/8", /^a cidr label's key is an IPv4 or IPv6 prefix/],
    ["cidr:2001-db8--0--1/64", /^a cidr label's key is an IPv4 or IPv6 prefix/],
    ["cidr:2001-db8--0/129", "a cidr label's prefix length is 0 to 128"],
    ["cidr:10.0.0.0/8=x", "a cidr label has no value"],
    ["fqdn:a/b", "an fqdn label's key is a DNS name or pattern"],
  ])("rejects %j", (label, problem) => {
    if (typeof problem === "string") expect(ciliumLabelProblem(label)).toBe(problem);
    else expect(ciliumLabelProblem(label)).toMatch(problem);
  });
});
