// Recommendations for the recorded bookinfo captures, checked against golden YAML files
// (regenerate on purpose with UPDATE_GOLDEN=1) and by the properties every recommendation
// must have: replaying the window denies nothing, and anything not observed is denied.
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
  const namespaces = ["bookinfo", "jaeger", "kube-system"];
  const recommend = (options: RecommendOptions): Recommendation => {
    const result = recommendPolicies(graph, options);
    if (!result.ok) throw new Error(result.failure.messages.join("\n"));
    return result.recommendation;
  };

  it("matches the golden NetworkPolicy set", () => {
    expectGolden("bookinfo-networkpolicy.yaml", goldenText(recommend({ kind: "networkpolicy", namespaces }).policies));
  });

  it("matches the golden CiliumNetworkPolicy set with HTTP rules", () => {
    expectGolden("bookinfo-cilium-l7.yaml", goldenText(recommend({ kind: "cilium", l7: true, namespaces }).policies));
  });

  it("replays every forwarded flow of the window: Cilium's rules deny none, NetworkPolicy only what it cannot express", () => {
    const r = recommend({ kind: "both", l7: true, namespaces });
    const cilium = r.validation.CiliumNetworkPolicy;
    const np = r.validation.NetworkPolicy;
    // Both captures: 263 request-direction flows that got through in the TCP one, 252 in the UDP one.
    expect(cilium?.flows).toBe(263 + 252);
    expect(cilium?.denied).toBe(0);
    expect(np?.flows).toBe(263 + 252);
    // A NetworkPolicy cannot select the host (otelcol's egress to it), the remote-node
    // identity of the DNS proxy's upstream leg into coredns, nor an API server on a node.
    expect([...new Set(np?.drops.map((d) => `${d.source} -> ${d.destination} at ${d.detail}`))].sort()).toEqual([
      "kube-system/DaemonSet/otelcol-hubble-collector -> reserved:host at egress",
      "reserved:remote-node -> kube-system/Deployment/coredns at ingress",
    ]);
    expect(np?.drops.every((d) => d.expected === "not expressible as a NetworkPolicy")).toBe(true);
    expect(r.refusals.map((x) => `${x.kind} ${x.outcome} ${x.subject}`)).toEqual([
      "NetworkPolicy breaks-traffic kube-system/DaemonSet/otelcol-hubble-collector",
      "NetworkPolicy breaks-traffic kube-system/Deployment/coredns",
    ]);
    for (const v of [cilium, np]) {
      expect(v?.permissions.overPermission.explicitRatio).toBeGreaterThanOrEqual(1);
      expect(v?.permissions.overPermission.explicitRatio).toBeLessThan(1.3);
    }
  });

  it("denies every workload pair and port that was not observed", () => {
    for (const kind of ["networkpolicy", "cilium"] as const) {
      const r = recommend({ kind, namespaces });
      expect(expectUnusedDenied(graph, r.policies, r.refusals)).toBeGreaterThan(50);
    }
  });

  it("is deterministic", () => {
    expect(goldenText(recommend({ kind: "both", l7: true, namespaces }).policies)).toBe(goldenText(recommend({ kind: "both", l7: true, namespaces }).policies));
  });

  it("recommends only for the namespaces asked for, with a default-deny in each, and leaves system namespaces alone unasked", () => {
    const r = recommend({ kind: "cilium", namespaces: ["jaeger"] });
    expect(r.policies.map((p) => `${p.namespace}/${p.name}`)).toEqual(["jaeger/default-deny", "jaeger/jaeger-default-ingress"]);
    const unasked = recommend({ kind: "cilium" });
    expect(unasked.policies.some((p) => p.namespace === "kube-system" || p.name === "default-deny")).toBe(false);
  });
});
