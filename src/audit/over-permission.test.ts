import { describe, expect, it } from "vitest";
import { computeOverPermission } from "./over-permission.js";
import { edge, graphOf, viewOf, wl, worldAt } from "./testdata/observed.js";

const a = wl("x", "a");
const b = wl("x", "b");
const c = wl("x", "c");

// Every workload of x is isolated for ingress and egress; b accepts a on 80 and a may
// send to b on 80: exactly the one connection observed.
const EXACT = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-a, namespace: x}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-to-b, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: b}}}], ports: [{port: 80}]}]
`;

describe("over-permission ratio", () => {
  const graph = graphOf([edge(a, b, 80), edge(c, c, 80, { connections: { DROPPED: 1 } })]);

  it("is 1.0 when the policies allow exactly the used triples", () => {
    const o = computeOverPermission(graph, viewOf(EXACT));
    expect(o).toMatchObject({ workloads: 3, ports: ["TCP/80"], candidates: 9, allowed: 1, explicitAllowed: 1, used: 1, ratio: 1, explicitRatio: 1, usedButDenied: 0 });
  });

  it("counts every pair and port when nothing is isolated, and only explicit allows after default-deny", () => {
    const o = computeOverPermission(graph, viewOf(""));
    expect(o).toMatchObject({ allowed: 9, explicitAllowed: 0, used: 1, ratio: 9, explicitRatio: 0 });
  });

  it("needs both the egress and the ingress side to allow a triple", () => {
    const ingressOnly = EXACT.split("---").slice(0, 2).join("---");
    const o = computeOverPermission(graph, viewOf(ingressOnly));
    expect(o).toMatchObject({ allowed: 0, used: 1, usedButDenied: 1, ratio: 0 });
  });

  it("counts world peers separately, with the pairs open to any internet address", () => {
    const withWorld = graphOf([edge(a, b, 80), edge(a, worldAt("203.0.113.10", ["api.stripe.com"]), 443)]);
    const o = computeOverPermission(withWorld, viewOf(""));
    expect(o.peers).toMatchObject({ identities: 1, used: 1, openToWorld: 2, openFromWorld: 2 });
    expect(computeOverPermission(withWorld, viewOf(EXACT)).peers).toMatchObject({ allowed: 0, openToWorld: 0, openFromWorld: 0 });
  });

  it("gives no ratio when the candidates exceed the bound", () => {
    expect(computeOverPermission(graph, viewOf(""), { maxEvaluations: 4 })).toMatchObject({ skipped: "too-many-candidates", ratio: undefined });
  });
});
