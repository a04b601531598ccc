import { describe, expect, it } from "vitest";
import type { CompiledPort, CompiledRule } from "../compile/model.js";
import { describePeers, describePort, describePorts } from "./describe-piece.js";

const base = { index: 0, path: "spec.egress[0].toPorts[0].ports[0]", fromNetworkPolicy: false } as const;

describe("describePort", () => {
  it.each<[string, CompiledPort]>([
    ["443/TCP", { ...base, protocol: "TCP", port: 443 }],
    ["8000-8100/UDP", { ...base, protocol: "UDP", port: 8000, endPort: 8100 }],
    ["http/TCP", { ...base, protocol: "TCP", name: "http" }],
    ["all/SCTP", { ...base, protocol: "SCTP" }],
    ["53/ANY", { ...base, protocol: "ANY", port: 53 }],
    ["all", { ...base, protocol: "ANY" }],
    ["ICMPv4 type 0 (EchoReply)", { ...base, protocol: "ICMP", port: 0 }],
    ["ICMPv6 (every type)", { ...base, protocol: "ICMPv6" }],
    ["9092/TCP L7 kafka (not modelled)", { ...base, protocol: "TCP", port: 9092, l7: { kind: "unsupported", path: "p", construct: "kafka" } }],
    ["53/UDP L7 dns: all", { ...base, protocol: "UDP", port: 53, l7: { kind: "dns", path: "p", rules: [] } }],
  ])("%s", (text, port) => {
    expect(describePort(port)).toBe(text);
  });
});

describe("describePeers and describePorts", () => {
  const ref = { policy: { kind: "CiliumNetworkPolicy", namespace: "a", name: "p" }, direction: "egress", action: "allow", ruleIndex: 0, path: "spec.egress[0]" } as const;
  const rule = (peers: CompiledRule["peers"], ports: CompiledRule["ports"]): CompiledRule => ({ ref, peers, ports, unsupported: [] });

  it("a rule without a peer or port list admits all; Cilium `- {}` (no peer, no port) admits none", () => {
    expect([describePeers(rule(undefined, undefined)), describePorts(rule(undefined, undefined))]).toEqual([["all"], ["all"]]);
    expect([describePeers(rule([], undefined)), describePorts(rule([], undefined))]).toEqual([["none"], ["none"]]);
    // `icmps: [{}]` compiles to no port alternative: nothing is admitted.
    expect(describePorts(rule(undefined, []))).toEqual(["none"]);
  });
});
