import { describe, expect, it } from "vitest";
import { computeOverPermission } from "./over-permission.js";
import type { OverPermission } from "./over-permission.js";
import { edge, graphOf, viewOf, wl, worldAt } from "./testdata/observed.js";
import { overPermissionByEnumeration } from "./testdata/over-permission-reference.js";

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
    // 16 candidates, not 9: x's new pod joins a, b and c (4 × 4 × 1); default-deny gives it nothing.
    expect(o).toMatchObject({ workloads: 3, newPods: 1, ports: ["TCP/80"], candidates: 16, allowed: 1, explicitAllowed: 1, newPodAllowed: 0, used: 1, ratio: 1, explicitRatio: 1, usedButDenied: 0 });
  });

  it("counts every pair and port when nothing is isolated, and only explicit allows after default-deny", () => {
    const o = computeOverPermission(graph, viewOf(""));
    // 16, not 9: with nothing isolated x's new pod reaches and is reached by everyone (7 triples).
    expect(o).toMatchObject({ allowed: 16, newPodAllowed: 7, explicitAllowed: 0, used: 1, ratio: 16, explicitRatio: 0 });
  });

  it("needs both the egress and the ingress side to allow a triple", () => {
    const ingressOnly = EXACT.split("---").slice(0, 2).join("---");
    const o = computeOverPermission(graph, viewOf(ingressOnly));
    expect(o).toMatchObject({ allowed: 0, used: 1, usedButDenied: 1, ratio: 0 });
  });

  it("counts world peers separately, with the pairs open to any internet address", () => {
    const withWorld = graphOf([edge(a, b, 80), edge(a, worldAt("203.0.113.10", ["api.stripe.com"]), 443)]);
    const o = computeOverPermission(withWorld, viewOf(""));
    // 3, not 2: x's new pod is open to and from the internet too, beside a and b.
    expect(o.peers).toMatchObject({ identities: 1, used: 1, openToWorld: 3, openFromWorld: 3 });
    expect(computeOverPermission(withWorld, viewOf(EXACT)).peers).toMatchObject({ allowed: 0, openToWorld: 0, openFromWorld: 0 });
  });

  it("gives no ratio when the candidates exceed the bound", () => {
    expect(computeOverPermission(graph, viewOf(""), { maxEvaluations: 4 })).toMatchObject({ skipped: "too-many-candidates", ratio: undefined });
  });
});

const FROM_NAMESPACE = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-x, namespace: x}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}], ports: [{port: 80}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-isolated, namespace: x}
spec: {podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress]}
`;

const NAMED_PORT = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-http-from-a, namespace: x}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: http}]}]
`;

const POD_B = `
apiVersion: v1
kind: Pod
metadata:
  name: b-5d8f-x1
  namespace: x
  labels: {app: b}
  ownerReferences: [{kind: ReplicaSet, name: b-5d8f, controller: true}]
spec: {containers: [{name: main, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.244.0.2}
`;

function withoutEvaluations(o: OverPermission): Omit<OverPermission, "evaluations"> {
  const { evaluations, ...rest } = o;
  expect(evaluations).toBeGreaterThanOrEqual(0);
  return rest;
}

describe("over-permission candidates and breakdown", () => {
  it("counts what a new pod of the namespace would get from a rule open to the whole namespace", () => {
    const o = computeOverPermission(graphOf([edge(a, b, 80)]), viewOf(FROM_NAMESPACE));
    // Into b: a, b and the new pod on 80; into the new pod, which no policy selects: all
    // three; into a (isolated): none. Four of the six involve the new pod.
    expect(o).toMatchObject({ candidates: 9, allowed: 6, newPodAllowed: 4, used: 1, ratio: 6 });
  });

  it("breaks the numbers down by namespace, counting a triple between two namespaces in both", () => {
    const y = wl("y", "c");
    const g = graphOf([edge(a, b, 80), edge(a, y, 80)]);
    const o = computeOverPermission(g, viewOf(""));
    expect(o).toMatchObject({ workloads: 3, newPods: 2, candidates: 25, allowed: 25, used: 2 });
    expect(o.byNamespace).toEqual([
      { namespace: "x", workloads: 2, candidates: 21, allowed: 21, explicitAllowed: 0, newPodAllowed: 13, used: 2, usedButDenied: 0, ratio: 10.5, explicitRatio: 0 },
      { namespace: "y", workloads: 1, candidates: 16, allowed: 16, explicitAllowed: 0, newPodAllowed: 11, used: 1, usedButDenied: 0, ratio: 16, explicitRatio: 0 },
    ]);
    const scoped = computeOverPermission(g, viewOf(""), { namespace: "y" });
    expect(scoped.byNamespace).toEqual([o.byNamespace[1]]);
    expect(scoped).toMatchObject({ candidates: 16, allowed: 16, newPodAllowed: 11, used: 1 });
  });

  it("resolves a named port on the destination's Pod object, and never without one", () => {
    const g = graphOf([edge(a, b, 8080), edge(a, b, 80, { connections: { DROPPED: 1 } })]);
    // Into a and the new pod (not isolated): 3 sources × 2 ports each; into b only a on 8080.
    expect(computeOverPermission(g, viewOf(`${NAMED_PORT}---${POD_B}`))).toMatchObject({ candidates: 18, allowed: 13, usedButDenied: 0 });
    expect(computeOverPermission(g, viewOf(NAMED_PORT))).toMatchObject({ allowed: 12, usedButDenied: 1 });
  });

  it("evaluates one by one a peer whose address belongs to a Pod object, with the same numbers as enumeration", () => {
    const g = graphOf([edge(a, b, 8080), edge(worldAt("10.244.0.2"), a, 8080), edge(a, worldAt("203.0.113.9"), 443)]);
    const view = viewOf(`${NAMED_PORT}---${POD_B}`);
    const o = computeOverPermission(g, view);
    expect(o.evaluations).toBeGreaterThan(0);
    expect(withoutEvaluations(o)).toEqual(withoutEvaluations(overPermissionByEnumeration(g, view)()));
  });

  it("reports candidates and use but no allows when the bound is exceeded", () => {
    const o = computeOverPermission(graphOf([edge(a, b, 80), edge(c, c, 80)]), viewOf(""), { maxEvaluations: 4 });
    expect(o).toMatchObject({ candidates: 16, used: 2, allowed: 0, usedButDenied: 0, evaluations: 0 });
    expect(o.byNamespace).toEqual([expect.objectContaining({ namespace: "x", candidates: 16, ratio: undefined })]);
  });
});
