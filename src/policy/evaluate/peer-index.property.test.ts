// A rule with many peers is matched through an index by label; the peer that decides (the
// first in the rule's order that matches) must be the one a scan of every peer finds. The
// reference here evaluates each peer as a rule of its own.
import { describe, expect, it } from "vitest";
import { pod, reserved, scenario, world } from "../testdata/harness.js";
import type { PolicyEndpoint } from "./endpoint.js";

/** mulberry32: small, fast, and exact in JavaScript's numbers. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/** One fromEndpoints peer as YAML flow text: mostly label equalities, now and then a peer of expressions only. */
function peerText(pick: (n: number) => number): string {
  const app = `a${pick(12)}`;
  const kind = pick(20);
  if (kind === 18) return `{matchExpressions: [{key: tier, operator: NotIn, values: [t${pick(3)}]}, {key: app, operator: Exists}]}`;
  if (kind === 19) return "{matchExpressions: [{key: tier, operator: DoesNotExist}]}";
  switch (kind % 4) {
    case 0: return `{matchLabels: {app: ${app}}}`;
    case 1: return `{matchLabels: {app: ${app}, tier: t${pick(3)}}}`;
    case 2: return `{matchExpressions: [{key: app, operator: In, values: [${app}, a${pick(12)}]}]}`;
    default: return `{matchLabels: {k8s:io.kubernetes.pod.namespace: ns${pick(3)}, app: ${app}}}`;
  }
}

function policy(peers: readonly string[]): string {
  return `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: many-peers, namespace: ns0}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress: [{fromEndpoints: [${peers.join(", ")}], fromEntities: [host]}]
`;
}

function client(pick: (n: number) => number): PolicyEndpoint {
  switch (pick(8)) {
    case 0: return reserved("host");
    case 1: return world("203.0.113.9");
    default: {
      const labels: Record<string, string> = { app: `a${pick(12)}` };
      if (pick(2) === 0) labels.tier = `t${pick(3)}`;
      return pod(`ns${pick(3)}`, labels);
    }
  }
}

describe("rules with many peers", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("decide by the first peer a scan would find (seed %i)", (seed) => {
    const pick = random(seed);
    const peers = Array.from({ length: 40 }, () => peerText(pick));
    const run = scenario(policy(peers));
    const alone = peers.map((p) => scenario(policy([p])));
    const server = pod("ns0", { app: "server" });
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const from = client(pick);
      const got = run(from, server).ingress;
      // The reference: the first peer that allows on its own; else the host entity, else nothing.
      const first = alone.findIndex((one) => one(from, server).ingress.rules.some((r) => r.path.includes("fromEndpoints[0]")));
      const expected = first >= 0 ? `fromEndpoints[${first}]` : from.labels.includes("reserved:host") ? "fromEntities[0]" : undefined;
      seen.add(expected ?? "denied");
      if (expected === undefined) expect(got.verdict, JSON.stringify(from)).toBe("denied");
      else expect(got.rules.map((r) => r.path).join(" "), JSON.stringify(from)).toContain(expected);
    }
    // Each run decides by several different peers, by the entity, and denies some clients.
    expect([...seen].filter((s) => s.startsWith("fromEndpoints")).length).toBeGreaterThan(3);
    expect(seen).toContain("fromEntities[0]");
    expect(seen).toContain("denied");
  });
});
