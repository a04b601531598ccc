// npm run bench:analysis — audit, recommend and what-if on generator graphs of growing size,
// the way the daemon runs them: a generator capture per size (--sizes workloads, default
// 100,1000,5000; --flows-per-workload flows each) ingested into a SQLite graph, read back as
// the window's graph, then against a policy set of --policies policies (default 2,000): the
// NetworkPolicies recommended for the graph, completed with policies of namespaces the graph
// does not hold. Times each step (median of --runs after the first) and prints how each size
// scales against the previous one. Options: --sizes, --flows-per-workload (120), --policies
// (2000), --runs (3), --summary-json FILE.
// Run: `npm run build && node dist/bench/analysis.js`.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { auditGraph, createPolicyView } from "../src/audit/index.js";
import { openGraphStore, queryGraph } from "../src/graph/index.js";
import type { ObservedGraph } from "../src/graph/index.js";
import { compilePolicyModel, parsePolicyDocuments } from "../src/policy/index.js";
import type { ParsedPolicies, SourceDocument } from "../src/policy/index.js";
import { recommendPolicies, whatIf } from "../src/recommend/index.js";
import { writeCaptureFile } from "./harness/capture-file.js";
import { seedGraph } from "./harness/graph-seed.js";
import { fmt, median } from "./harness/stats.js";
import { infoRow, writeSummary } from "./harness/summary.js";
import type { SummaryRow } from "./harness/summary.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000,5000" },
    "flows-per-workload": { type: "string", default: "120" },
    policies: { type: "string", default: "2000" },
    runs: { type: "string", default: "3" },
    "summary-json": { type: "string" },
  },
});
const SIZES = values.sizes.split(",").map(Number);
const PER_WORKLOAD = Number(values["flows-per-workload"]);
const POLICIES = Number(values.policies);
const RUNS = Math.max(1, Number(values.runs));
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !(PER_WORKLOAD > 0) || !(POLICIES > 0)) {
  process.stderr.write("--sizes must list whole numbers of workloads, --flows-per-workload and --policies must be positive\n");
  process.exit(2);
}
const ALL_TIME = { sinceMs: 0, untilMs: Date.UTC(2100, 0, 1) };

/** A NetworkPolicy for a namespace the graph does not hold: it selects nothing observed. */
function filler(i: number): SourceDocument {
  return {
    origin: { source: "file", file: "filler.yaml", documentIndex: i },
    object: {
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
      metadata: { name: `allow-${i}`, namespace: `unobserved-${i % 200}` },
      spec: {
        podSelector: { matchLabels: { app: `app-${i}` } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: `client-${i}` } } }], ports: [{ port: 8080, protocol: "TCP" }] }],
      },
    },
  };
}

/** The recommended NetworkPolicies for the graph, completed to `POLICIES` documents. */
function policySet(graph: ObservedGraph): { parsed: ParsedPolicies; recommended: number } {
  const namespaces = [...new Set(graph.identities.flatMap((o) => (o.identity.kind === "workload" ? [o.identity.namespace] : [])))];
  // What `recommend --allow-partial` writes: the policies of the workloads it could do.
  const r = recommendPolicies(graph, { kind: "networkpolicy", namespaces });
  const docs: SourceDocument[] = r.ok
    ? r.recommendation.policies.map((p, i) => ({ origin: { source: "file", file: "recommended.yaml", documentIndex: i }, object: p.object }))
    : [];
  if (!r.ok) process.stderr.write(`  recommend failed (${r.failure.kind}): ${r.failure.messages.slice(0, 3).join("; ")}\n`);
  const recommended = docs.length;
  for (let i = 0; docs.length < POLICIES; i++) docs.push(filler(i));
  return { parsed: parsePolicyDocuments(docs), recommended };
}

function timed<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

/** Median wall time of `RUNS` runs after a first (warm-up) one. */
function medianMs(f: () => unknown): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(timed(f).ms);
  return median(times);
}

interface SizeResult {
  readonly workloads: number;
  readonly flows: number;
  readonly edges: number;
  readonly identities: number;
  readonly policies: number;
  readonly recommendedPolicies: number;
  readonly auditMs: number;
  readonly recommendMs: number;
  readonly whatIfMs: number;
  readonly overPermission: string;
}

const work = mkdtempSync(join(tmpdir(), "bench-analysis-"));
const results: SizeResult[] = [];
try {
  for (const workloads of SIZES) {
    const capture = join(work, `capture-${workloads}.ndjson`);
    const flows = workloads * PER_WORKLOAD;
    process.stderr.write(`${fmt(workloads)} workloads: generating ${fmt(flows)} flows, ingesting ...\n`);
    await writeCaptureFile(capture, { flows, workloads, seed: 17 });
    const db = join(work, `graph-${workloads}.db`);
    const seeded = await seedGraph({ capture, db, source: "file:bench" });
    const store = openGraphStore({ path: db, access: "read-only" });
    let graph: ObservedGraph;
    try {
      graph = queryGraph(store, { window: ALL_TIME });
    } finally {
      store.close();
    }
    const { parsed, recommended } = policySet(graph);
    const view = createPolicyView(compilePolicyModel(parsed));
    const nowMs = Date.now();
    process.stderr.write(`  ${fmt(graph.edges.length)} edges, ${fmt(graph.identities.length)} identities, ${fmt(parsed.networkPolicies.length + parsed.ciliumPolicies.length)} policies (${fmt(recommended)} recommended); timing ...\n`);
    const report = auditGraph({ graph, view, nowMs });
    const auditMs = medianMs(() => auditGraph({ graph, view, nowMs }));
    const namespaces = [...new Set(graph.identities.flatMap((o) => (o.identity.kind === "workload" ? [o.identity.namespace] : [])))];
    const recommendMs = medianMs(() => recommendPolicies(graph, { kind: "cilium", namespaces }));
    const whatIfMs = medianMs(() => whatIf(graph, parsed, { nowMs }));
    const op = report.overPermission;
    const overPermission = op.skipped === undefined
      ? `${fmt(op.allowed)} allowed / ${fmt(op.used)} used workload triples of ${fmt(op.candidates)} candidates: ratio ${op.ratio?.toFixed(2) ?? "n/a"}`
      : `skipped (${op.skipped}, ${fmt(op.candidates)} candidates)`;
    results.push({
      workloads, flows: seeded.flows, edges: graph.edges.length, identities: graph.identities.length,
      policies: parsed.networkPolicies.length + parsed.ciliumPolicies.length, recommendedPolicies: recommended, auditMs, recommendMs, whatIfMs, overPermission,
    });
    process.stderr.write(`  audit ${auditMs.toFixed(0)} ms, recommend ${recommendMs.toFixed(0)} ms, what-if ${whatIfMs.toFixed(0)} ms\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const lines = [
  `analysis, median of ${RUNS} runs after a warm-up (load ${loadavg().map((l) => l.toFixed(2)).join(" ")}, ${availableParallelism()} CPUs):`,
  "workloads  flows       edges    identities  policies  audit ms  recommend ms  what-if ms  audit × prev  recommend × prev",
];
results.forEach((r, i) => {
  const prev = results[i - 1];
  const ratio = (a: number, b: number | undefined): string => (b === undefined ? "" : `${(a / b).toFixed(1)} for ${(r.workloads / (prev?.workloads ?? 1)).toFixed(0)}x`);
  lines.push([
    fmt(r.workloads).padEnd(10), fmt(r.flows).padEnd(11), fmt(r.edges).padEnd(8), fmt(r.identities).padEnd(11), fmt(r.policies).padEnd(9),
    r.auditMs.toFixed(0).padEnd(9), r.recommendMs.toFixed(0).padEnd(13), r.whatIfMs.toFixed(0).padEnd(11),
    ratio(r.auditMs, prev?.auditMs).padEnd(13), ratio(r.recommendMs, prev?.recommendMs),
  ].join(" "));
});
for (const r of results) lines.push(`over-permission at ${fmt(r.workloads)} workloads: ${r.overPermission}`);
process.stdout.write(`${lines.join("\n")}\n`);
const rows: SummaryRow[] = results.flatMap((r) => [
  infoRow(`${fmt(r.workloads)} workloads (${fmt(r.edges)} edges): audit`, r.auditMs, "ms"),
  infoRow(`${fmt(r.workloads)} workloads: recommend`, r.recommendMs, "ms"),
  infoRow(`${fmt(r.workloads)} workloads: what-if`, r.whatIfMs, "ms"),
]);
writeSummary(values["summary-json"], { bench: "analysis", rows });
