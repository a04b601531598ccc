import { describe, expect, it } from "vitest";
import { openGraphStore } from "../graph/index.js";
import { parsePolicyText } from "../policy/sources/index.js";
import { Analysis } from "./analysis.js";
import { HttpError } from "./http-error.js";
import { policySnapshotOf } from "./policy-snapshot.js";
import type { PolicySnapshot } from "./policy-snapshot.js";

const POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";

function setup(): { analysis: Analysis; setPolicies: (p: PolicySnapshot | undefined) => void; tick: (ms: number) => void } {
  let now = Date.UTC(2026, 5, 1);
  let policies: PolicySnapshot | undefined;
  const store = openGraphStore({ path: ":memory:" });
  const analysis = new Analysis({ store, policies: () => policies, now: () => now, defaultSince: "7d" });
  return { analysis, setPolicies: (p) => { policies = p; }, tick: (ms) => { now += ms; } };
}

function snapshot(): PolicySnapshot {
  return policySnapshotOf(parsePolicyText(POLICY, { name: "test", format: "yaml" }).documents, { origin: "files", semantics: "cilium", nowMs: 0, sourceProblems: 0 });
}

describe("Analysis", () => {
  it("answers audits only once a policy model is loaded, with a 503 before", () => {
    const { analysis, setPolicies } = setup();
    expect(() => analysis.audit({})).toThrow(HttpError);
    expect(analysis.refresh()).toBeUndefined();
    setPolicies(snapshot());
    expect(analysis.refresh()?.policies).toBe(1);
  });

  it("computes each query once per generation, relative to the generation's time", () => {
    const { analysis, setPolicies, tick } = setup();
    setPolicies(snapshot());
    const first = analysis.refresh();
    tick(60_000);
    // Same generation: `since=7d` means 7 days before the refresh, and the cached report is returned.
    expect(analysis.audit({})).toBe(first);
    expect(analysis.audit({ since: "7d" })).toBe(first);
    expect(analysis.windowOf({ since: "1h" })).toEqual({ sinceMs: analysis.asOfMs - 3_600_000, untilMs: analysis.asOfMs });
    const next = analysis.refresh();
    expect(next).not.toBe(first);
    expect(next?.generatedAtMs).toBe((first?.generatedAtMs ?? 0) + 60_000);
  });

  it("keeps at most a bounded number of results per generation", () => {
    const store = openGraphStore({ path: ":memory:" });
    const policies = snapshot();
    const analysis = new Analysis({ store, policies: () => policies, now: () => 1e12, defaultSince: "7d", maxCached: 2 });
    analysis.refresh();
    const a = analysis.audit({ since: "1h" });
    analysis.audit({ since: "2h" });
    analysis.audit({ since: "3h" });
    expect(analysis.audit({ since: "1h" })).not.toBe(a);
  });

  it("names the window parameter at fault", () => {
    const { analysis } = setup();
    for (const [query, parameter] of [[{ since: "soon" }, "since"], [{ until: "later" }, "until"], [{ since: "1h", until: "2h" }, "since"]] as const) {
      try {
        analysis.windowOf(query);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        expect((err as HttpError).parameter).toBe(parameter);
      }
    }
  });
});
