// Recommendations for a synthetic run of the shop app, checked against the generator's
// ground truth: every intended edge that was allowed and exercised is allowed by the
// recommendation, denied edges stay denied, and nothing else is allowed.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPolicyView } from "../src/audit/index.js";
import { compileRecommended, recommendPolicies } from "../src/recommend/index.js";
import type { Recommendation, RecommendOptions } from "../src/recommend/index.js";
import { generatedGraph } from "./recommend-fixtures.js";
import { expectUnusedDenied, goldenText } from "./recommend-properties.js";

const GOLDEN = join(import.meta.dirname, "../src/recommend/testdata");

describe("recommendations for a generated shop run", async () => {
  const { graph, truth } = await generatedGraph({ flows: 6000, seed: 11 });
  // Every observed namespace isolated, so "everything not observed is denied" can be checked.
  const namespaces = [...new Set(graph.identities.flatMap((o) => (o.identity.kind === "workload" ? [o.identity.namespace] : [])))].sort();
  const recommend = (options: RecommendOptions): Recommendation => {
    const result = recommendPolicies(graph, options);
    if (!result.ok) throw new Error(result.failure.messages.join("\n"));
    return result.recommendation;
  };

  it("matches the golden set of both kinds", () => {
    const text = goldenText(recommend({ kind: "both", l7: true, portRanges: true, namespaces }).policies);
    const file = join(GOLDEN, "generated-shop-both.yaml");
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, "utf8"));
  });

  it("allows exactly the exercised allowed edges between workloads and denies the denied and audited ones", () => {
    const r = recommend({ kind: "cilium", namespaces });
    const compiled = compileRecommended(r.policies);
    if (!compiled.ok) throw new Error(compiled.messages.join("\n"));
    const view = createPolicyView(compiled.model);
    const identities = new Map(graph.identities.map((o) => [o.identity.kind === "workload" ? `${o.identity.namespace}/${o.identity.name}` : o.identity.key, o.identity]));
    let checked = 0;
    for (const { edge } of truth.exercisedEdges) {
      const source = identities.get(edge.source);
      const destination = identities.get(edge.destination);
      if (source?.kind !== "workload" || destination?.kind !== "workload") continue;
      const verdict = view.evaluator.evaluate({ source: view.endpoint(source), destination: view.endpoint(destination), protocol: edge.protocol, port: edge.port }).verdict;
      // Denied edges were dropped by the cluster's policies, audited ones would have been
      // (policy audit mode): neither is recommended unless asked.
      expect([edge.key, verdict]).toEqual([edge.key, edge.enforcement === "allow" ? "allowed" : "denied"]);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("replays without unexpected drops and denies what was not observed, for both kinds", () => {
    for (const kind of ["networkpolicy", "cilium"] as const) {
      const r = recommend({ kind, namespaces });
      expect(expectUnusedDenied(graph, r.policies, r.refusals)).toBeGreaterThan(100);
    }
  });

  it("allows dropped and audited traffic too when asked", () => {
    const denied = truth.exercisedEdges.filter((e) => e.edge.enforcement.startsWith("deny"));
    const audited = truth.exercisedEdges.filter((e) => e.edge.enforcement === "audit");
    const without = recommend({ kind: "cilium" });
    expect(recommend({ kind: "cilium", includeDrops: true }).traffic).toBeGreaterThan(without.traffic);
    expect(recommend({ kind: "cilium", includeAudit: true }).traffic).toBeGreaterThan(without.traffic);
    expect(denied.length).toBeGreaterThan(0);
    expect(audited.length).toBeGreaterThan(0);
  });
});
