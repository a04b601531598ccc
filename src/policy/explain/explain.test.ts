import { describe, expect, it } from "vitest";
import { CILIUM_EXAMPLES, KUBERNETES_EXAMPLES } from "../testdata/example-policies.js";
import { pod, scenario, world } from "../testdata/harness.js";
import { describeIcmpType } from "./describe-icmp.js";
import { explainEvaluation } from "./explain.js";

describe("explainEvaluation", () => {
  it("explains an allow with the deciding rule", () => {
    const run = scenario(KUBERNETES_EXAMPLES["test-network-policy"] ?? "");
    const text = explainEvaluation(run(world("172.17.2.9"), pod("default", { role: "db" }), "6379/TCP"), {
      source: "172.17.2.9",
      destination: "default/db",
      port: "6379/TCP",
    });
    expect(text).toBe(
      [
        "172.17.2.9 -> default/db on 6379/TCP: ALLOWED (semantics: cilium)",
        "Egress of 172.17.2.9: not enforced (172.17.2.9 is not a Cilium endpoint).",
        "Ingress of default/db: allowed by rule:",
        "  - netpol/default/test-network-policy spec.ingress[0].from[0]",
        "",
      ].join("\n"),
    );
  });

  it("explains default deny and deny precedence", () => {
    const run = scenario(CILIUM_EXAMPLES["deny-frontend-to-backend"] ?? "");
    const who = { source: "default/frontend", destination: "default/backend", port: "80/TCP" };
    const text = explainEvaluation(run(pod("default", { role: "frontend" }), pod("default", { role: "backend" })), who);
    expect(text).toContain("Ingress of default/backend: denied by deny rule (deny takes precedence):");
    expect(text).toContain("  - cnp/default/deny-rule spec.ingressDeny[0].fromEndpoints[0]");
    const other = explainEvaluation(run(pod("default", { role: "x" }), pod("default", { role: "backend" })), who);
    expect(other).toContain("denied by default; isolated by cnp/default/deny-rule and no rule allows 80/TCP from default/frontend.");
  });
});

describe("explainEvaluation: ICMP rules in words", () => {
  it("names the ICMP field and type that allowed the connection", () => {
    const run = scenario(CILIUM_EXAMPLES["icmp-echo"] ?? "");
    const who = { source: "default/my-service", destination: "8.8.8.8", port: "8/ICMPv4" };
    expect(explainEvaluation(run(pod("default", { app: "myService" }), world("8.8.8.8"), "8/ICMPv4"), who)).toBe(
      [
        "default/my-service -> 8.8.8.8 on 8/ICMPv4: ALLOWED (semantics: cilium)",
        "Egress of default/my-service: allowed by rule:",
        "  - cnp/default/icmp-rule spec.egress[0].icmps[0].fields[0]: ICMPv4 type 8 (EchoRequest)",
        "Ingress of 8.8.8.8: not enforced (8.8.8.8 is not a Cilium endpoint).",
        "",
      ].join("\n"),
    );
  });

  it("names the peer and the ICMP field of a deny rule", () => {
    const run = scenario(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-nd, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingressDeny: [{fromEndpoints: [{matchLabels: {role: frontend}}], icmps: [{fields: [{type: NeighborSolicitation, family: IPv6}]}]}]
`);
    const who = { source: "default/frontend", destination: "default/backend", port: "135/ICMPv6" };
    const text = explainEvaluation(run(pod("default", { role: "frontend" }), pod("default", { role: "backend" }), "135/ICMPv6"), who);
    expect(text).toContain("Ingress of default/backend: denied by deny rule (deny takes precedence):");
    expect(text).toContain(
      "  - cnp/default/no-nd spec.ingressDeny[0].fromEndpoints[0] and spec.ingressDeny[0].icmps[0].fields[0]: ICMPv6 type 135 (NeighborSolicitation)",
    );
  });

  it("says when a type 0 field admitted another type", () => {
    const run = scenario(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: replies, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{icmps: [{fields: [{type: EchoReply}]}]}]
`);
    const who = { source: "default/frontend", destination: "default/backend", port: "8/ICMPv4" };
    const text = explainEvaluation(run(pod("default", { role: "frontend" }), pod("default", { role: "backend" }), "8/ICMPv4"), who);
    expect(text).toContain(
      "  - cnp/default/replies spec.ingress[0].icmps[0].fields[0]: ICMPv4 type 8 (EchoRequest), admitted by a type 0 field, which Cilium applies to every ICMPv4 type",
    );
  });
});

describe("describeIcmpType", () => {
  it.each([
    ["IPv4", 8, "ICMPv4 type 8 (EchoRequest)"],
    ["IPv4", 0, "ICMPv4 type 0 (EchoReply)"],
    ["IPv4", 7, "ICMPv4 type 7"],
    ["IPv6", 128, "ICMPv6 type 128 (EchoRequest)"],
    ["IPv6", 1, "ICMPv6 type 1 (DestinationUnreachable)"],
    ["IPv6", undefined, "ICMPv6 (every type)"],
  ] as const)("%s %s reads %s", (family, type, text) => {
    expect(describeIcmpType(family, type)).toBe(text);
  });
});
