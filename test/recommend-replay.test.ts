// The promise of a recommendation, checked the way a user would check it: `simulate` of a
// capture's own flows through the recommended set denies none of the traffic it was made
// for, and the recommendation's self-check counts exactly the flows simulate counts and
// denies exactly the flows simulate denies. On the recorded captures, and on generator
// runs of 14, 60 and 500 workloads in time order, shuffled and reversed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFlowRun, serializeLine } from "../src/hubble/generate/index.js";
import { policiesToYaml, recommendPolicies } from "../src/recommend/index.js";
import type { RecommendOptions, Recommendation } from "../src/recommend/index.js";
import { CAPTURE_NAMES, writeCaptureFile } from "./captures/index.js";
import { captureFiles, graphOfFile, shuffled, simulateFile, writeLines } from "./replay-harness.js";

const SHARED = join(import.meta.dirname, "../../shared/data");
const dir = mkdtempSync(join(tmpdir(), "recommend-replay-"));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function recommend(graph: Parameters<typeof recommendPolicies>[0], options: RecommendOptions): Recommendation {
  const result = recommendPolicies(graph, options);
  if (!result.ok) throw new Error(`${result.failure.kind}: ${result.failure.messages.slice(0, 5).join("\n")}`);
  return result.recommendation;
}

/** Workload-scoped policies never select the whole namespace, and no rule names an empty endpoint selector. */
function expectNoEmptySelector(r: Recommendation): void {
  for (const p of r.policies) {
    if (p.name === "default-deny") continue;
    const text = JSON.stringify(p.object);
    const spec = p.object.spec as Record<string, unknown>; // every generated policy has a spec
    const subject = (p.kind === "NetworkPolicy" ? spec.podSelector : spec.endpointSelector) as { matchLabels?: object; matchExpressions?: unknown[] };
    expect([p.namespace, p.name, Object.keys(subject.matchLabels ?? {}).length + (subject.matchExpressions?.length ?? 0) > 0]).toEqual([p.namespace, p.name, true]);
    expect(text).not.toContain('"toEndpoints":[{}]');
    expect(text).not.toContain('"fromEndpoints":[{}]');
    expect(text).not.toContain('"podSelector":{}');
  }
}

async function expectReplayAgrees(file: string): Promise<{ flows: number; kinds: number; text: string }> {
  const graph = await graphOfFile(file);
  const namespaces = [...new Set(graph.identities.flatMap((o) => (o.identity.kind === "workload" ? [o.identity.namespace] : [])))].sort();
  let kinds = 0;
  let flows = 0;
  let text = "";
  // Every observed namespace isolated, system ones included: the strictest set there is.
  for (const options of [{ kind: "cilium", namespaces }, { kind: "networkpolicy", namespaces }, { kind: "cilium", namespaces, includeAudit: true, includeDrops: true, l7: true }] as const) {
    const r = recommend(graph, options);
    expectNoEmptySelector(r);
    text += policiesToYaml(r.policies);
    for (const policy of ["NetworkPolicy", "CiliumNetworkPolicy"] as const) {
      const report = r.validation[policy];
      if (report === undefined) continue;
      const simulated = await simulateFile(file, r.policies.filter((p) => p.kind === policy));
      expect({ file, options, flows: report.flows, denied: report.denied, unknown: report.unknownDirection }).toEqual({
        file, options, flows: simulated.forwarded, denied: simulated.denied, unknown: simulated.unknown,
      });
      if (policy === "CiliumNetworkPolicy" && "includeAudit" in options) expect({ file, denied: simulated.deniedSamples }).toEqual({ file, denied: [] });
      flows = report.flows;
      kinds++;
    }
  }
  return { flows, kinds, text };
}

describe("replaying captures through their own recommendation", () => {
  const files = captureFiles(SHARED);

  it.each(files.map((f) => [f.slice(SHARED.length + 1), f]))("%s: simulate denies nothing it should not, and the self-check agrees", async (_name, file) => {
    const { flows, kinds } = await expectReplayAgrees(file);
    expect(flows).toBeGreaterThan(0);
    expect(kinds).toBe(3);
  });

  it.each(CAPTURE_NAMES.map((n) => [n]))("hand-built capture %s: simulate denies nothing it should not, and the self-check agrees", async (name) => {
    const file = join(dir, `${name}.ndjson`);
    await writeCaptureFile(name, file);
    const { kinds } = await expectReplayAgrees(file);
    expect(kinds).toBe(3);
  });

  describe.each([
    [14, 4000],
    [60, 8000],
    [500, 16000],
  ])("a generator run of %i workloads", (workloads, count) => {
    const lines = [...createFlowRun({ flows: count, workloads, seed: 7 }).lines].map(serializeLine);
    const outputs = new Map<string, string>();
    it.each([
      ["in time order", lines],
      ["shuffled", shuffled(lines, workloads)],
      ["reversed", [...lines].reverse()],
    ])("%s", async (order, ordered) => {
      const file = writeLines(join(dir, `run-${workloads}-${order.replace(" ", "-")}.ndjson`), ordered);
      const { flows, text } = await expectReplayAgrees(file);
      expect(flows).toBeGreaterThan(count / 2);
      // The run fits the reorder window: whatever the order of its lines, the same policies and evidence.
      outputs.set(order, text);
      const sorted = outputs.get("in time order");
      if (sorted !== undefined) expect(text === sorted, `${order} gives the output of the sorted run`).toBe(true);
    }, 120_000);
  });
});
