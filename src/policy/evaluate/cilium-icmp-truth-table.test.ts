/**
 * Truth tables for `icmps`, written from the Cilium documentation (security/policy
 * layer4 "Limit ICMP/ICMPv6 types") and policy API (pkg/policy/api/icmp.go,
 * rule_validation.go) and repository code (pkg/policy/rule.go).
 */
import { describe, expect, it } from "vitest";
import { CILIUM_EXAMPLES } from "../testdata/example-policies.js";
import { pod, scenario, world } from "../testdata/harness.js";

const backend = pod("default", { role: "backend" });
const frontend = pod("default", { role: "frontend" });
const other = pod("default", { role: "other" });
const service = pod("default", { app: "myService" });

const cnp = (body: string, name = "t"): string => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ${name}, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
${body}`;

describe("icmps-only egress rule (layer4 example: ICMP type 8 and ICMPv6 EchoRequest to any layer 3 destination)", () => {
  const run = scenario(CILIUM_EXAMPLES["icmp-echo"] ?? "");
  it.each([
    ["8/ICMPv4", frontend, "allowed"],
    ["8/ICMPv4", world("8.8.8.8"), "allowed"],
    ["128/ICMPv6", frontend, "allowed"],
    ["0/ICMPv4", frontend, "denied"],
    ["129/ICMPv6", frontend, "denied"],
    // Family mismatch: type 8 was allowed for IPv4 only, 128 for IPv6 only.
    ["8/ICMPv6", frontend, "denied"],
    ["128/ICMPv4", frontend, "denied"],
    // The ICMP-only rule isolates egress: nothing else is allowed.
    ["80/TCP", frontend, "denied"],
    ["53/UDP", world("8.8.8.8"), "denied"],
  ])("%s to %j -> %s", (port, dst, expected) => {
    expect(run(service, dst, port).egress.verdict).toBe(expected);
  });

  it("does not touch ingress, nor endpoints it does not select", () => {
    expect(run(frontend, service, "80/TCP").ingress.verdict).toBe("not-isolated");
    expect(run(other, frontend, "80/TCP").egress.verdict).toBe("not-isolated");
  });

  it("names the field that matched, with the connection's ICMP type", () => {
    expect(run(service, frontend, "128/ICMPv6").egress.rules).toEqual([
      {
        policy: { kind: "CiliumNetworkPolicy", namespace: "default", name: "icmp-rule" },
        direction: "egress",
        action: "allow",
        ruleIndex: 0,
        portIndex: 1,
        path: "spec.egress[0].icmps[0].fields[1]",
        icmp: { path: "spec.egress[0].icmps[0].fields[1]", family: "IPv6", type: 128 },
      },
    ]);
  });

  it("cannot decide a typed field without the connection's ICMP type, and says so", () => {
    const e = run(service, frontend, "/ICMPv4");
    expect(e.egress.verdict).toBe("denied");
    expect(e.unsupported).toEqual([
      {
        construct: "ICMP type (not known for this connection)",
        policy: { kind: "CiliumNetworkPolicy", namespace: "default", name: "icmp-rule" },
        direction: "egress",
        path: "spec.egress[0].icmps[0].fields[0]",
        detail: "allow rule treated as not matching",
      },
    ]);
  });
});

describe("type names and numbers mean the same (policy API ICMPField.PortProtocol)", () => {
  const connections = ["8/ICMPv4", "0/ICMPv4", "128/ICMPv6", "135/ICMPv6", "136/ICMPv6", "8/ICMPv6"];
  const verdictsOf = (fields: string): string[] => {
    const run = scenario(cnp(`  ingress: [{icmps: [{fields: ${fields}}]}]`));
    return connections.map((c) => run(frontend, backend, c).ingress.verdict);
  };
  it.each([
    ["[{type: EchoRequest}, {type: NeighborSolicitation, family: IPv6}]", "[{type: 8}, {type: 135, family: IPv6}]"],
    ["[{type: Echo}]", "[{type: '8', family: IPv4}]"],
    ["[{type: EchoRequest, family: IPv6}, {type: NeighborAdvertisement, family: IPv6}]", "[{type: 128, family: IPv6}, {type: 136, family: IPv6}]"],
  ])("%s = %s", (named, numbered) => {
    expect(verdictsOf(named)).toEqual(verdictsOf(numbered));
    expect(verdictsOf(named)).toContain("allowed");
  });
});

describe("icmps with an L3 peer: both must match (one L4 filter per ICMP type, with the rule's peers)", () => {
  const run = scenario(cnp(`  ingress: [{fromEndpoints: [{matchLabels: {role: frontend}}], icmps: [{fields: [{type: EchoRequest}]}]}]`));
  it.each([
    [frontend, "8/ICMPv4", "allowed"],
    [other, "8/ICMPv4", "denied"],
    [world("8.8.8.8"), "8/ICMPv4", "denied"],
    [frontend, "3/ICMPv4", "denied"],
    [frontend, "80/TCP", "denied"],
  ])("%j on %s -> %s", (src, port, expected) => {
    expect(run(src, backend, port).ingress.verdict).toBe(expected);
  });

  it("references the peer and the ICMP field", () => {
    expect(run(frontend, backend, "8/ICMPv4").ingress.rules).toMatchObject([
      { peerIndex: 0, portIndex: 0, path: "spec.ingress[0].fromEndpoints[0]", icmp: { path: "spec.ingress[0].icmps[0].fields[0]", family: "IPv4", type: 8 } },
    ]);
  });
});

describe("deny rules with icmps (deny takes precedence over allows of any kind)", () => {
  const allowAll = `  ingress: [{fromEntities: [all]}]\n`;
  it.each([
    ["ingressDeny: [{icmps: [{fields: [{type: 8}]}]}]", frontend, "8/ICMPv4", "denied"],
    ["ingressDeny: [{icmps: [{fields: [{type: 8}]}]}]", frontend, "0/ICMPv4", "allowed"],
    ["ingressDeny: [{icmps: [{fields: [{type: 8}]}]}]", frontend, "128/ICMPv6", "allowed"],
    ["ingressDeny: [{icmps: [{fields: [{type: 8}]}]}]", frontend, "80/TCP", "allowed"],
    ["ingressDeny: [{fromEntities: [world], icmps: [{fields: [{type: EchoRequest, family: IPv6}]}]}]", world("2001:db8::1"), "128/ICMPv6", "denied"],
    ["ingressDeny: [{fromEntities: [world], icmps: [{fields: [{type: EchoRequest, family: IPv6}]}]}]", frontend, "128/ICMPv6", "allowed"],
  ])("allow all + %s: %j on %s -> %s", (deny, src, port, expected) => {
    expect(scenario(cnp(`${allowAll}  ${deny}`))(src, backend, port).ingress.verdict).toBe(expected);
  });

  it("a CCNP ICMP deny beats a CNP ICMP allow", () => {
    const run = scenario(`
${cnp(`  ingress: [{icmps: [{fields: [{type: 8}, {type: 13}]}]}]`, "allow-ping")}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-timestamp}
spec:
  endpointSelector: {}
  ingressDeny: [{icmps: [{fields: [{type: Timestamp}]}]}]
`);
    expect(run(frontend, backend, "8/ICMPv4").ingress.verdict).toBe("allowed");
    const e = run(frontend, backend, "13/ICMPv4");
    expect(e.ingress.verdict).toBe("denied");
    expect(e.ingress.rules).toMatchObject([{ action: "deny", policy: { name: "no-timestamp" }, path: "spec.ingressDeny[0].icmps[0].fields[0]" }]);
  });
});

describe("default deny (rule_validation.go Sanitize: a direction with entries is default-deny)", () => {
  it.each([
    ["ingress: [{icmps: [{fields: [{type: 8}]}]}]", "80/TCP", "denied"],
    ["ingress: [{icmps: [{fields: [{type: 8}]}]}]", "8/ICMPv4", "allowed"],
    // An entry without fields allows nothing, but it is still an entry.
    ["ingress: [{icmps: [{}]}]", "8/ICMPv4", "denied"],
    ["ingress: [{icmps: [{fields: []}]}]", "80/TCP", "denied"],
    ["ingressDeny: [{icmps: [{fields: [{type: 8}]}]}]", "80/TCP", "denied"],
    ["enableDefaultDeny: {ingress: false}\n  ingress: [{icmps: [{fields: [{type: 8}]}]}]", "80/TCP", "not-isolated"],
  ])("%s: %s -> %s", (body, port, expected) => {
    const e = scenario(cnp(`  ${body}`))(frontend, backend, port);
    expect(e.ingress.verdict).toBe(expected);
    expect(e.egress.verdict).toBe("not-isolated");
  });

  it("an ICMP-only rule isolates its subject for that direction", () => {
    const e = scenario(cnp(`  ingress: [{icmps: [{fields: [{type: 8}]}]}]`))(frontend, backend, "443/TCP");
    expect(e.ingress).toMatchObject({ verdict: "denied", rules: [], isolatedBy: [{ kind: "CiliumNetworkPolicy", name: "t" }] });
  });
});

describe("ICMP in toPorts means the same as icmps (the type is ICMP's port in Cilium's policy)", () => {
  it.each([
    [`[{port: "8", protocol: ICMP}]`, "8/ICMPv4", "allowed"],
    [`[{port: "8", protocol: ICMP}]`, "0/ICMPv4", "denied"],
    [`[{port: "8", protocol: ICMP}]`, "8/ICMPv6", "denied"],
    [`[{port: "128", protocol: ICMPv6}]`, "128/ICMPv6", "allowed"],
    [`[{protocol: ICMP}]`, "3/ICMPv4", "allowed"],
    [`[{port: "0", protocol: ICMPv6}]`, "135/ICMPv6", "allowed"],
    [`[{protocol: ICMP}]`, "3/ICMPv6", "denied"],
    [`[{protocol: ICMP}]`, "80/TCP", "denied"],
    // ANY means TCP, UDP and SCTP: a port rule never matches ICMP.
    [`[{port: "8"}]`, "8/ICMPv4", "denied"],
    [`[{port: "0", protocol: ANY}]`, "8/ICMPv4", "denied"],
  ])("ports %s admit %s: %s", (ports, port, expected) => {
    expect(scenario(cnp(`  ingress: [{fromEndpoints: [{}], toPorts: [{ports: ${ports}}]}]`))(frontend, backend, port).ingress.verdict).toBe(expected);
  });
});

describe("icmps type 0 admits every type of its family (port 0 is a wildcard in Cilium's policy; cilium/cilium issue 41304)", () => {
  const run = scenario(cnp(`  ingress: [{icmps: [{fields: [{type: EchoReply}]}]}]`));
  it.each([
    ["0/ICMPv4", "allowed"],
    ["8/ICMPv4", "allowed"],
    ["/ICMPv4", "allowed"],
    ["128/ICMPv6", "denied"],
    ["80/TCP", "denied"],
  ])("%s -> %s", (port, expected) => {
    expect(run(frontend, backend, port).ingress.verdict).toBe(expected);
  });

  it("marks the match so explain can say why", () => {
    expect(run(frontend, backend, "8/ICMPv4").ingress.rules[0]?.icmp).toEqual({
      path: "spec.ingress[0].icmps[0].fields[0]",
      family: "IPv4",
      type: 8,
      typeZeroAdmitsAll: true,
    });
  });
});

describe("ICMP types are part of the evaluation memo key", () => {
  it("the same identity pair gets a verdict per ICMP type", () => {
    const run = scenario(cnp(`  ingress: [{icmps: [{fields: [{type: 8}]}]}]`));
    expect([run(frontend, backend, "8/ICMPv4"), run(frontend, backend, "3/ICMPv4"), run(frontend, backend, "8/ICMPv4")].map((e) => e.ingress.verdict)).toEqual([
      "allowed",
      "denied",
      "allowed",
    ]);
  });
});
