import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parsePolicyDocuments } from "../policy/index.js";
import { edge, graphOf, workload } from "./testdata/graph.js";
import { whatIf } from "./what-if.js";

const web = workload("shop", "web");
const api = workload("shop", "api");
const db = workload("shop", "db");
const graph = graphOf([web, api, db], [edge(web, api, "8080/TCP"), edge(api, db, "5432/TCP"), edge(web, db, "5432/TCP")]);

function proposal(yaml: string) {
  const parsed = parsePolicyDocuments(parseAllDocuments(yaml).map((d, i) => ({ origin: { source: "file" as const, documentIndex: i }, object: d.toJS() as unknown })));
  expect(parsed.problems).toEqual([]);
  return parsed;
}

const DB_INGRESS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: api } } }]
      ports: [{ port: 5432 }]
    - from: [{ podSelector: { matchLabels: { app: batch } } }]
      ports: [{ port: 5432 }]
`;

describe("whatIf", () => {
  it("reports the observed connections a proposal drops, and its unused rules", () => {
    const report = whatIf(graph, proposal(DB_INGRESS), { nowMs: Date.UTC(2026, 0, 2) });
    expect(report.dropped.flatMap((d) => d.edges.map((e) => `${d.direction} ${e.source} -> ${e.destination} ${e.protocol}/${e.port}`))).toEqual([
      "ingress shop/Deployment/web -> shop/Deployment/db TCP/5432",
    ]);
    expect(report.unused.map((f) => f.kind)).toEqual(["unused-allow"]);
    expect(report.unused[0]?.summary).toContain("spec.ingress[1]");
    expect(report.policies).toBe(1);
  });

  it("separates what default-deny would drop from what the proposal drops as written", () => {
    const report = whatIf(graph, proposal(DB_INGRESS), { nowMs: 0 });
    const notIsolated = report.notIsolated.map((d) => `${d.direction} ${d.subject}`);
    expect(notIsolated).toContain("egress shop/Deployment/web");
    expect(notIsolated).not.toContain("ingress shop/Deployment/db");
  });

  it("finds nothing to drop in a proposal that allows everything observed", () => {
    const allowAll = `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: shop-internal, namespace: shop }
spec:
  endpointSelector: {}
  ingress: [{ fromEndpoints: [{}] }]
  egress: [{ toEndpoints: [{}] }]
`;
    const report = whatIf(graph, proposal(allowAll), { nowMs: 0, namespace: "shop" });
    expect(report.dropped).toEqual([]);
    expect(report.notIsolated).toEqual([]);
    expect(report.unused).toEqual([]);
  });
});
