// Audits of generated traffic against the generator's ground truth: every intended edge is
// marked allow, deny-ingress, deny-egress or audit, so the findings can be predicted.
import { describe, expect, it } from "vitest";
import { auditGraph, createPolicyView } from "../src/audit/index.js";
import type { AuditReport, Finding } from "../src/audit/index.js";
import { persistFlows } from "../src/ingest/index.js";
import { openGraphStore, queryGraph } from "../src/graph/index.js";
import type { ObservedGraph } from "../src/graph/index.js";
import { createFlowRun } from "../src/hubble/generate/index.js";
import type { TruthEdge } from "../src/hubble/generate/index.js";
import type { HubbleEvent } from "../src/hubble/index.js";
import { eventFromMessage, responseFromJson } from "../src/hubble/index.js";
import { compilePolicyModel, parsePolicyDocuments } from "../src/policy/index.js";
import { yamlDocuments } from "../src/policy/testdata/example-policies.js";

const START = Date.UTC(2026, 0, 1);

// Synchronous lines fed as the async batches ingestion reads.
// eslint-disable-next-line @typescript-eslint/require-await -- the ingest loop takes an async iterable
async function* batches(lines: Iterable<unknown>): AsyncGenerator<readonly HubbleEvent[]> {
  let batch: HubbleEvent[] = [];
  for (const line of lines) {
    const conv = responseFromJson(line);
    if (!conv.ok) throw new Error(conv.problem.message);
    batch.push(eventFromMessage(conv.message));
    if (batch.length === 256) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

// The generator's shop app, written as policies: postgres and api are isolated for
// ingress and accept their intended clients. Grafana and worker→redis run in audit mode
// in the generated cluster, so no policy here allows them.
const SHOP_POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: postgres}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [api, worker, db-backup]}]}}]
    ports: [{port: 5432}]
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: legacy}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: web}}}]
    ports: [{port: 8080}]
`;

async function generatedGraph(): Promise<{ graph: ObservedGraph; exercised: readonly TruthEdge[] }> {
  const run = createFlowRun({ flows: 12_000, seed: 3, startMs: START });
  const store = openGraphStore({ path: ":memory:" });
  await persistFlows(batches(run.lines), { store, source: "generated", reorderMs: 60_000 });
  const graph = queryGraph(store, { window: { sinceMs: START - 3_600_000, untilMs: START + 86_400_000 } });
  store.close();
  return { graph, exercised: run.summary().exercisedEdges.map((e) => e.edge) };
}

function audit(graph: ObservedGraph, yaml: string): AuditReport {
  const model = compilePolicyModel(parsePolicyDocuments(yaml === "" ? [] : yamlDocuments(yaml)));
  return auditGraph({ graph, view: createPolicyView(model), nowMs: START + 86_400_000 });
}

/** `ns/name` of an identity key `ns/Kind/name`; reserved keys unchanged. */
function short(key: string): string {
  const parts = key.split("/");
  return parts.length === 3 ? `${parts[0] ?? ""}/${parts[2] ?? ""}` : key;
}

/** An edge in the ground truth's key form; world peers are named by their DNS name. */
function truthKey(graph: ObservedGraph, e: { source: string; destination: string; protocol: string; port: number }): string {
  const name = (key: string): string => {
    const identity = graph.identities.find((o) => o.identity.key === key)?.identity;
    if (identity?.kind !== "reserved") return short(key);
    if (identity.entity !== "world") return `reserved:${identity.entity}`;
    const dns = identity.dnsNames[0]?.replace(/\.$/, "");
    return dns === undefined ? "reserved:world" : `reserved:world(${dns})`;
  };
  return `${name(e.source)} -> ${name(e.destination)} ${e.protocol}/${e.port}`;
}

function wouldBeDropEdges(findings: readonly Finding[], cause: string): Set<string> {
  return new Set(findings.flatMap((f) =>
    f.kind === "would-be-drop" ? f.evidence.edges.filter((e) => e.causes.includes(cause as never)).map((e) => `${short(e.source)} -> ${short(e.destination)} ${e.protocol}/${e.port}`) : [],
  ));
}

describe("audit of generated traffic against its ground truth", async () => {
  const { graph, exercised } = await generatedGraph();
  const workloadEdges = exercised.filter((e) => !e.source.startsWith("reserved:") && !e.destination.startsWith("reserved:"));

  it("exercises every kind of enforcement", () => {
    expect(new Set(exercised.map((e) => e.enforcement))).toEqual(new Set(["allow", "deny-ingress", "deny-egress", "audit"]));
  });

  it("with no policies, every workload-to-workload edge that got through would be dropped by default-deny", () => {
    const drops = wouldBeDropEdges(audit(graph, "").findings, "not-isolated");
    for (const e of workloadEdges.filter((x) => x.enforcement === "allow" || x.enforcement === "audit")) expect(drops).toContain(e.key);
  });

  it("reports every audit-mode edge as a would-be drop marked as coming from Hubble", () => {
    const drops = wouldBeDropEdges(audit(graph, SHOP_POLICIES).findings, "audit-verdict");
    const audited = exercised.filter((e) => e.enforcement === "audit").map((e) => e.key);
    expect(audited.length).toBeGreaterThan(0);
    expect([...drops].sort()).toEqual([...audited].sort());
  });

  it("reports every denied edge as a policy drop, never as an infrastructure drop", () => {
    const report = audit(graph, SHOP_POLICIES);
    const policyDrops = report.findings.flatMap((f) => (f.kind === "policy-drop" ? [truthKey(graph, f.evidence)] : []));
    const denied = exercised.filter((e) => e.enforcement.startsWith("deny-")).map((e) => e.key);
    expect(denied.length).toBeGreaterThan(0);
    expect(policyDrops.sort()).toEqual(denied.sort());
    expect(report.findings.filter((f) => f.kind === "infrastructure-drop")).toEqual([]);
  });

  it("explains the ingress policy drops with the isolating policy, and finds the unused legacy peer rule", () => {
    const report = audit(graph, SHOP_POLICIES);
    const postgres = report.findings.find((f) => f.kind === "policy-drop" && f.evidence.source.endsWith("/web") && f.evidence.destination.endsWith("/postgres"));
    expect(postgres?.kind === "policy-drop" && postgres.evidence.explanation).toEqual(["ingress isolated by netpol/shop/postgres with no matching allow rule"]);
    expect(report.findings.map((f) => f.id)).toContain("unused-allow:netpol/shop/postgres:spec.ingress[1]");
    const shop = report.readiness.find((r) => r.namespace === "shop");
    expect(shop?.isolatedIngress).toBe(2);
    expect(shop?.survivingShare).toBeGreaterThan(0);
    expect(shop?.survivingShare).toBeLessThan(1);
  });
});
