/**
 * The check a user would make of a recommendation: ingest a capture the way `ingest` does,
 * recommend, then run the capture's own flows through the recommended set the way
 * `simulate` does, and compare what simulate denies with what the recommendation's
 * self-check reported.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FILE_ORDER } from "../src/cli/commands/ingest.js";
import { simulateFlows } from "../src/cli/commands/simulate-flows.js";
import { persistFlows } from "../src/ingest/index.js";
import { flowReader } from "../src/cli/setup/policy-files.js";
import { flowRole } from "../src/flows/index.js";
import { openGraphStore, queryGraph } from "../src/graph/index.js";
import type { ObservedGraph } from "../src/graph/index.js";
import { eventBatches, readFlowFile } from "../src/hubble/index.js";
import { createPolicyEvaluator } from "../src/policy/index.js";
import type { SemanticsName } from "../src/policy/index.js";
import { compileRecommended } from "../src/recommend/index.js";
import type { RecommendedPolicy } from "../src/recommend/index.js";

const ALL_TIME = { window: { sinceMs: 0, untilMs: Date.UTC(2100, 0, 1) } };

/** Every capture file under a directory (NDJSON or JSON, optionally gzipped), sorted. */
export function captureFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return captureFiles(path);
    return /\.(json|ndjson|jsonl)(\.gz)?$/.test(name) ? [path] : [];
  });
}

/** The graph of one capture file, ingested as `hubble-auditor ingest --from FILE` does. */
export async function graphOfFile(file: string): Promise<ObservedGraph> {
  const store = openGraphStore({ path: ":memory:" });
  try {
    await persistFlows(eventBatches(readFlowFile(file), { batchSize: 256 }), { store, source: `file:${file}`, reorderMs: 60_000, order: FILE_ORDER });
    return queryGraph(store, ALL_TIME);
  } finally {
    store.close();
  }
}

/** What `simulate` of a capture through a set says about the flows a recommendation must keep. */
export interface Simulated {
  /** Request-direction flows that form traffic (connections, their packets, L7 requests) and got through: FORWARDED or REDIRECTED. */
  readonly forwarded: number;
  /** Of those, the ones the set denies. */
  readonly denied: number;
  readonly deniedSamples: readonly string[];
  /** Flows of traffic whose direction nothing settled (simulate marks them `direction: unknown`). */
  readonly unknown: number;
}

/** Runs a capture's flows through a recommended set, as `simulate --policies SET --flows FILE` does. */
export async function simulateFile(file: string, policies: readonly RecommendedPolicy[], semantics: SemanticsName = "cilium"): Promise<Simulated> {
  const compiled = compileRecommended(policies);
  if (!compiled.ok) throw new Error(compiled.messages.join("\n"));
  const evaluator = createPolicyEvaluator(compiled.model, { semantics });
  let forwarded = 0;
  let denied = 0;
  let unknown = 0;
  const deniedSamples: string[] = [];
  for await (const r of simulateFlows(flowReader(() => undefined)(file), evaluator)) {
    const { flow, direction } = r.settled;
    const role = flowRole(flow, direction).role;
    if (role === "unknown-direction") unknown++;
    if (role !== "open" && role !== "continue" && role !== "request") continue;
    if (flow.verdict !== "FORWARDED" && flow.verdict !== "REDIRECTED") continue;
    forwarded++;
    if (r.evaluation?.verdict === "denied") {
      denied++;
      if (deniedSamples.length < 5) deniedSamples.push(`#${r.index} ${flow.ip?.source ?? ""} -> ${flow.ip?.destination ?? ""} ${JSON.stringify(flow.l4)} egress=${r.evaluation.egress.verdict} ingress=${r.evaluation.ingress.verdict}`);
    }
  }
  return { forwarded, denied, deniedSamples, unknown };
}

/** Writes NDJSON lines (in the given order) to a file. */
export function writeLines(file: string, lines: readonly string[]): string {
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** A deterministic shuffle (xorshift32), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    const a = out[i] as T; // i is within the array
    out[i] = out[j] as T; // so is j
    out[j] = a;
  }
  return out;
}
