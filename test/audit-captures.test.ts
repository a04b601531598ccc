// The recorded bookinfo captures, audited against no policies and against hand-written
// policies whose usage in the captures is known (see test/graph-captures.test.ts for the edges).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditGraph, createPolicyView, findWouldBeDrops } from "../src/audit/index.js";
import type { AuditReport, WouldBeDrop } from "../src/audit/index.js";
import { persistFlows } from "../src/ingest/index.js";
import { openGraphStore, queryGraph } from "../src/graph/index.js";
import { eventBatches, readFlowFile } from "../src/hubble/index.js";
import { compilePolicyModel, parsePolicyDocuments } from "../src/policy/index.js";
import { yamlDocuments } from "../src/policy/testdata/example-policies.js";

const DATA = join(import.meta.dirname, "../../shared/data/hubble-otel");
const WINDOW = { sinceMs: Date.UTC(2021, 0, 1), untilMs: Date.UTC(2022, 0, 1) };

// productpage and ratings have egress policies (the captures show their egress redirected
// to the proxy); ratings accepts reviews. Known unused: productpage's egress to ratings,
// and ratings' ingress peer `app=productpage`.
const BOOKINFO = `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: productpage-egress, namespace: bookinfo}
spec:
  endpointSelector: {matchLabels: {app: productpage}}
  egress:
  - toEndpoints: [{matchExpressions: [{key: app, operator: In, values: [details, reviews]}]}]
    toPorts: [{ports: [{port: "9080", protocol: TCP}], rules: {http: [{method: GET}]}}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
  - toEndpoints: [{matchLabels: {app: ratings}}]
    toPorts: [{ports: [{port: "9080", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ratings-egress, namespace: bookinfo}
spec:
  endpointSelector: {matchLabels: {app: ratings}}
  egress:
  - toEndpoints: [{matchLabels: {app: productpage}}]
    toPorts: [{ports: [{port: "9080", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ratings-ingress, namespace: bookinfo}
spec:
  podSelector: {matchLabels: {app: ratings}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: reviews}}}, {podSelector: {matchLabels: {app: productpage}}}]
    ports: [{port: 9080}]
`;

const short = (key: string): string => key.replace(/\/(Deployment|DaemonSet)\//, "/");

function sides(drops: readonly WouldBeDrop[]): string[] {
  return drops.map((d) => `${short(d.subject)} ${d.direction} ${d.edges.map((e) => short(e.peer)).join(",")}`).sort();
}

function view(yaml: string) {
  return createPolicyView(compilePolicyModel(parsePolicyDocuments(yaml === "" ? [] : yamlDocuments(yaml))));
}

describe("audit of the recorded bookinfo captures", async () => {
  const store = openGraphStore({ path: ":memory:" });
  for (const file of ["basic-sample-400-tcp-flows.json", "basic-sample-400-udp-flows.json"]) {
    const path = join(DATA, file);
    await persistFlows(eventBatches(readFlowFile(path), { batchSize: 64 }), { store, source: `file:${path}`, reorderMs: 60_000 });
  }
  const graph = queryGraph(store, { window: WINDOW });
  store.close();

  it("without policies, every workload side of every connection would be dropped; the local host is allowed in", () => {
    expect(sides(findWouldBeDrops(graph, view("")))).toEqual([
      "bookinfo/details-v1 ingress bookinfo/productpage-v1",
      "bookinfo/productpage-v1 egress bookinfo/details-v1,bookinfo/reviews-v1,bookinfo/reviews-v2,bookinfo/reviews-v3,kube-system/coredns",
      "bookinfo/productpage-v1 ingress bookinfo/ratings-v1",
      "bookinfo/ratings-v1 egress bookinfo/productpage-v1,kube-system/coredns",
      "bookinfo/ratings-v1 ingress bookinfo/reviews-v2,bookinfo/reviews-v3",
      "bookinfo/reviews-v1 ingress bookinfo/productpage-v1",
      "bookinfo/reviews-v2 egress bookinfo/ratings-v1",
      "bookinfo/reviews-v2 ingress bookinfo/productpage-v1",
      "bookinfo/reviews-v3 egress bookinfo/ratings-v1",
      "bookinfo/reviews-v3 ingress bookinfo/productpage-v1",
      "jaeger/jaeger-default ingress kube-system/otelcol-hubble-collector",
      // The DNS proxy forwards the lookups it intercepts from the node: coredns sees them from remote-node.
      "kube-system/coredns ingress bookinfo/productpage-v1,bookinfo/ratings-v1,reserved:remote-node",
      "kube-system/otelcol-hubble-collector egress jaeger/jaeger-default,reserved:host",
    ]);
  });

  describe("with the bookinfo policies", () => {
    const report: AuditReport = auditGraph({ graph, view: view(BOOKINFO), nowMs: WINDOW.untilMs });

    it("keeps only the directions no policy restricts", () => {
      const drops = report.findings.flatMap((f) => (f.kind === "would-be-drop" ? [f.evidence] : []));
      expect(sides(drops).filter((s) => s.startsWith("bookinfo/"))).toEqual([
        "bookinfo/details-v1 ingress bookinfo/productpage-v1",
        "bookinfo/productpage-v1 ingress bookinfo/ratings-v1",
        "bookinfo/reviews-v1 ingress bookinfo/productpage-v1",
        "bookinfo/reviews-v2 egress bookinfo/ratings-v1",
        "bookinfo/reviews-v2 ingress bookinfo/productpage-v1",
        "bookinfo/reviews-v3 egress bookinfo/ratings-v1",
        "bookinfo/reviews-v3 ingress bookinfo/productpage-v1",
      ]);
      expect(drops.every((d) => d.edges.every((e) => e.causes.join() === "not-isolated"))).toBe(true);
    });

    it("finds the allows nobody used, and no drops in the captures", () => {
      expect(report.findings.filter((f) => f.kind === "unused-allow").map((f) => f.id)).toEqual([
        "unused-allow:cnp/bookinfo/productpage-egress:spec.egress[2]",
        "unused-allow:netpol/bookinfo/ratings-ingress:spec.ingress[0].from[1]",
      ]);
      expect(report.summary).toMatchObject({ policyDropped: 0, infrastructureDropped: 0 });
    });

    it("counts readiness and an over-permission ratio over the captured identities", () => {
      const bookinfo = report.readiness.find((r) => r.namespace === "bookinfo");
      expect(bookinfo).toMatchObject({ workloads: 6, isolatedIngress: 1, isolatedEgress: 2 });
      expect(bookinfo?.survivingShare).toBeGreaterThan(0);
      expect(bookinfo?.survivingShare).toBeLessThan(1);
      expect(report.overPermission.workloads).toBe(9);
      expect(report.overPermission.ratio).toBeGreaterThan(1);
    });
  });
});
