// Recommendations for the recorded bookinfo captures, checked against golden YAML files
// (regenerate on purpose with UPDATE_GOLDEN=1) and by the properties every recommendation
// must have: replaying the window drops nothing, and anything not observed is denied.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recommendPolicies } from "../src/recommend/index.js";
import type { RecommendOptions, Recommendation } from "../src/recommend/index.js";
import { capturedGraph } from "./recommend-fixtures.js";
import { expectUnusedDenied, goldenText } from "./recommend-properties.js";

const GOLDEN = join(import.meta.dirname, "../src/recommend/testdata");

function expectGolden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, "utf8"));
}

describe("recommendations for the recorded bookinfo captures", async () => {
  const graph = await capturedGraph();
  const recommend = (options: RecommendOptions): Recommendation => {
    const result = recommendPolicies(graph, options);
    if (!result.ok) throw new Error(result.failure.messages.join("\n"));
    return result.recommendation;
  };

  it("matches the golden NetworkPolicy set", () => {
    expectGolden("bookinfo-networkpolicy.yaml", goldenText(recommend({ kind: "networkpolicy" }).policies));
  });

  it("matches the golden CiliumNetworkPolicy set with HTTP rules", () => {
    expectGolden("bookinfo-cilium-l7.yaml", goldenText(recommend({ kind: "cilium", l7: true }).policies));
  });

  it("replays the window without a drop and reports the over-permission ratio", () => {
    const r = recommend({ kind: "both", l7: true });
    for (const kind of ["NetworkPolicy", "CiliumNetworkPolicy"] as const) {
      const v = r.validation[kind];
      expect(v?.replayed).toBe(r.traffic);
      // Egress to the host cannot be written as a NetworkPolicy (ingress from the local host
      // is allowed by Cilium anyway); Cilium's rules express everything.
      expect(v?.expectedDrops.map((d) => `${d.source} -> ${d.destination}`)).toEqual(
        kind === "NetworkPolicy" ? ["kube-system/DaemonSet/otelcol-hubble-collector -> reserved:host"] : [],
      );
      // TCP/53 to the cluster DNS is allowed on purpose although only UDP was seen.
      expect(v?.permissions.overPermission.ratio).toBeGreaterThanOrEqual(1);
      expect(v?.permissions.overPermission.ratio).toBeLessThan(1.3);
    }
    expect(r.warnings.map((w) => w.kind).sort()).toEqual(["not-expressible", "not-expressible"]);
  });

  it("denies every workload pair and port that was not observed", () => {
    for (const kind of ["networkpolicy", "cilium"] as const) {
      const r = recommend({ kind });
      expect(expectUnusedDenied(graph, r.policies, r.warnings)).toBeGreaterThan(100);
    }
  });

  it("is deterministic", () => {
    expect(goldenText(recommend({ kind: "both", l7: true }).policies)).toBe(goldenText(recommend({ kind: "both", l7: true }).policies));
  });

  it("recommends only for the namespace asked for", () => {
    const r = recommend({ kind: "cilium", namespace: "jaeger" });
    expect(r.policies.map((p) => `${p.namespace}/${p.name}`)).toEqual(["jaeger/default-deny", "jaeger/jaeger-default-ingress"]);
  });
});
