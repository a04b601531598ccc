// npm run bench:api — the daemon's HTTP API under load while it ingests, and what that load
// costs ingestion. `hubble-auditor serve` runs in its own process against a replay server
// (another process, pre-encoded messages over loopback gRPC) with a sample policy set for the
// generator's app (bench/harness/api-policies.ts).
//
// The graph must not be empty while the API is measured (findings and recommendations on an
// empty graph cost nothing), so a first capture (--preload flows) is stored up front, in this
// process, under the daemon's cursor name for the replay server. Every phase then starts a
// fresh daemon on a copy of that database: the daemon resumes from the cursor and streams a
// second capture of the same app (--flows flows, later times, both ending before now so
// retention and time windows see them as recent). Phases:
//   idle  no API traffic, only the status poll;
//   load  K clients (--clients, default 8), each looping GET findings?limit=100 and GET
//         recommendations?kind=cilium one request at a time (closed loop unless --think-ms),
//         from the moment the API listens until the second capture is in; then the same
//         load for --rest-seconds more on the finished graph (latency without ingestion).
//   quiet no API traffic and no audit after the one at start (the rate is taken from when it
//         is done): ingestion alone;
// Every phase polls GET status every --poll-ms (own connection); the ingest rate is taken
// between the daemon's 10% and 90% flow counts, so startup and the final flush are left out.
// Rounds rotate the order of the phases to spread machine drift. In idle and load the daemon
// audits every --audit-interval seconds (5 here, 1m by default) on its analysis thread: each
// phase sees several analysis generations (idle/quiet is the cost of audits to ingestion,
// load/idle the cost of the API), and the first request after each one goes to the analysis
// thread. Last, a paced phase: a replay server streams a looping capture live at
// --paced-share (0.7) of the idle rate for --paced-seconds (20), with the API load and
// audits, from an empty ring as large as Relay in front of --paced-nodes nodes has (each
// node keeps Hubble's ring of 4095 events; by default one node per 1,500 flows/s, a busy
// node's rate): Hubble loses events when the daemon falls that far behind, and the status's
// lost-event count says whether it did, in the first --warmup-seconds (3: the daemon's
// start, its first audit) and after.
// Options: --flows N (300000) --preload N (300000) --clients K (8) --rounds R (2)
//   --workloads W (0: base app) --audit-interval S (5) --think-ms T (0) --rest-seconds S (3)
//   --poll-ms P (100) --paced-share F (0.7) --paced-seconds S (20) --paced-nodes N (rate/1500)
//   --warmup-seconds S (3) --summary-json FILE
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeSamplePolicies } from "./harness/api-policies.js";
import { writeCaptureFile } from "./harness/capture-file.js";
import { startDaemon } from "./harness/daemon-process.js";
import { copyGraph, seedGraph } from "./harness/graph-seed.js";
import { runLoad } from "./harness/http-load.js";
import type { EndpointLoad } from "./harness/http-load.js";
import { followIngest, windowRate } from "./harness/ingest-progress.js";
import type { WindowRate } from "./harness/ingest-progress.js";
import { startReplayProcess } from "./harness/replay-process.js";
import { fmt, median, percentile } from "./harness/stats.js";
import { atMostRow, infoRow, writeSummary } from "./harness/summary.js";
import type { SummaryRow } from "./harness/summary.js";

const { values } = parseArgs({
  options: {
    flows: { type: "string", default: "300000" }, preload: { type: "string", default: "300000" },
    clients: { type: "string", default: "8" }, rounds: { type: "string", default: "2" }, workloads: { type: "string", default: "0" },
    "audit-interval": { type: "string", default: "5" }, "think-ms": { type: "string", default: "0" },
    "rest-seconds": { type: "string", default: "3" }, "poll-ms": { type: "string", default: "100" }, "summary-json": { type: "string" },
    "paced-share": { type: "string", default: "0.7" }, "paced-seconds": { type: "string", default: "20" },
    "paced-nodes": { type: "string" }, "warmup-seconds": { type: "string", default: "3" },
  },
});
const flows = Number(values.flows);
const preload = Number(values.preload);
const clients = Number(values.clients);
const rounds = Number(values.rounds);
const workloads = Number(values.workloads);
const thinkMs = Number(values["think-ms"]);
const restSeconds = Number(values["rest-seconds"]);
const ENDPOINTS = ["findings?limit=100", "recommendations?kind=cilium"] as const;
/** Virtual lines per second of the generator (its default). */
const GENERATOR_RATE = 1000;

const log = (text: string): void => { process.stderr.write(`${text}\n`); };

type Phase = "quiet" | "idle" | "load";
/** Audit interval of the quiet phase: longer than any phase, so only the audit at start runs. */
const QUIET_AUDIT_SECONDS = 24 * 3600;
/** Hubble's default ring buffer of each node, for the paced phase. */
const HUBBLE_RING = 4095;
/** Flows per second of a busy node (above it a node's own perf ring starts to lose events). */
const NODE_FLOWS_PER_SECOND = 1500;

interface PhaseResult {
  readonly phase: Phase;
  readonly rate: WindowRate;
  readonly peakRssMb: number;
  readonly exit: string;
  /** Endpoint loads while ingesting and after (load phase only). */
  readonly during: readonly EndpointLoad[];
  readonly rest: readonly EndpointLoad[];
  readonly loadSeconds: number;
  /** CPU seconds this process (the load clients) used during the load. */
  readonly clientCpuSeconds: number;
  /** Audit generations the status showed while ingesting. */
  readonly audits: number;
}

const work = mkdtempSync(join(tmpdir(), "hubble-auditor-bench-api-"));
try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const policies = writeSamplePolicies(join(work, "policies"));
  // Both captures end well before now: spans are flows / rate seconds, with 20% to spare.
  const span = (n: number): number => Math.ceil((n / GENERATOR_RATE) * 1.2) * 1000;
  const firstStart = Date.now() - span(preload) - span(flows) - 600_000;
  const secondStart = firstStart + span(preload) + 60_000;
  log(`generating ${fmt(preload)} + ${fmt(flows)} flows (workloads=${workloads}) ...`);
  const first = join(work, "first.ndjson");
  const second = join(work, "second.ndjson");
  await writeCaptureFile(first, { flows: preload, workloads, seed: 11, startMs: firstStart });
  await writeCaptureFile(second, { flows, workloads, seed: 11, startMs: secondStart });
  const replay = await startReplayProcess(second, flows + 16);
  try {
    const seedDb = join(work, "seed.db");
    const seeded = await seedGraph({ capture: first, db: seedDb, source: `hubble:${replay.address}` });
    log(`stored the first capture: ${fmt(seeded.flows)} flows, ${fmt(seeded.connections)} connections`);
    const results: PhaseResult[] = [];
    const phases: readonly Phase[] = ["quiet", "idle", "load"];
    for (let round = 1; round <= rounds; round++) {
      const order = phases.map((_, i) => phases[(i + round - 1) % phases.length] as Phase);
      for (const phase of order) {
        const r = await runPhase(phase, { seedDb, hubble: replay.address, policies, db: join(work, `graph-${round}-${phase}.db`) });
        results.push(r);
        log(`round ${round}/${rounds} ${phase}: ${fmt(r.rate.flowsPerSecond)} flows/s${phase === "load" ? `, ${r.during.map((e) => `${e.path} ${e.latenciesMs.length} requests p50 ${percentile(e.latenciesMs, 50).toFixed(1)} ms`).join(", ")}` : ""}`);
      }
    }
    const pacedRate = Number(values["paced-share"]) * median(results.filter((r) => r.phase === "idle").map((r) => r.rate.flowsPerSecond));
    const paced = await runPaced({ seedDb, second, policies, db: join(work, "graph-paced.db"), rate: pacedRate });
    log(`paced at ${fmt(pacedRate)} events/s over ${paced.nodes} nodes' rings: ${fmt(paced.flowsPerSecond)} flows/s read, ${fmt(paced.lostEvents)} events lost (${fmt(paced.warmupLostEvents)} in the warm-up)`);
    report(results, seeded, paced);
  } finally {
    await replay.stop();
  }
}

interface PacedResult {
  readonly rate: number;
  readonly nodes: number;
  /** Events lost in the first --warmup-seconds (`lostEvents`: in all). */
  readonly warmupLostEvents: number;
  readonly flowsPerSecond: number;
  readonly lostEvents: number;
  readonly maxBehindSeconds: number;
  readonly audits: number;
  readonly during: readonly EndpointLoad[];
  readonly seconds: number;
  readonly peakRssMb: number;
}

/** The paced phase: a live, looping replay with Hubble's ring, the API load and audits. */
async function runPaced(o: { seedDb: string; second: string; policies: string; db: string; rate: number }): Promise<PacedResult> {
  const nodes = values["paced-nodes"] === undefined ? Math.max(1, Math.ceil(o.rate / NODE_FLOWS_PER_SECOND)) : Number(values["paced-nodes"]);
  const replay = await startReplayProcess(o.second, HUBBLE_RING * nodes, { rate: o.rate });
  copyGraph(o.seedDb, o.db);
  const daemon = await startDaemon({ hubble: replay.address, policies: [o.policies], db: o.db, auditIntervalSeconds: Number(values["audit-interval"]) });
  const controller = new AbortController();
  const during = runLoad({ api: daemon.api, paths: ENDPOINTS, clients, signal: controller.signal, thinkMs });
  try {
    const seconds = Number(values["paced-seconds"]);
    const followed = await followIngest({
      api: daemon.api, target: Number.POSITIVE_INFINITY, durationMs: seconds * 1000, intervalMs: Number(values["poll-ms"]), cpuSeconds: () => daemon.cpuSeconds(),
      stopReason: () => { const exit = daemon.exited(); return exit === undefined ? undefined : `daemon exited (${exit}) while ingesting`; },
    });
    controller.abort();
    if (followed.failure !== undefined) throw new Error(`paced phase: ${followed.failure}`);
    const s = followed.samples;
    // The rate over the second half (the ring's backlog is read first).
    const half = s.filter((x) => x.atMs >= (s[0]?.atMs ?? 0) + (seconds * 1000) / 2);
    const a = half[0];
    const b = half.at(-1);
    const flowsPerSecond = a === undefined || b === undefined || b.atMs === a.atMs ? Number.NaN : ((b.flows - a.flows) * 1000) / (b.atMs - a.atMs);
    const warmupEnd = (s[0]?.atMs ?? 0) + Number(values["warmup-seconds"]) * 1000;
    const warmupLostEvents = s.filter((x) => x.atMs <= warmupEnd).at(-1)?.lostEvents ?? 0;
    return {
      rate: o.rate, nodes, warmupLostEvents, flowsPerSecond, lostEvents: s.at(-1)?.lostEvents ?? 0, maxBehindSeconds: Math.max(0, ...s.map((x) => x.behindSeconds ?? 0)),
      audits: new Set(s.map((x) => x.auditAt).filter((x) => x !== null)).size, during: await during, seconds, peakRssMb: daemon.peakRssMb(),
    };
  } finally {
    controller.abort();
    await during.catch(() => []);
    await daemon.stop();
    await replay.stop();
    for (const f of [o.db, `${o.db}-wal`, `${o.db}-shm`]) rmSync(f, { force: true });
  }
}

async function runPhase(phase: Phase, o: { seedDb: string; hubble: string; policies: string; db: string }): Promise<PhaseResult> {
  copyGraph(o.seedDb, o.db);
  const daemon = await startDaemon({ hubble: o.hubble, policies: [o.policies], db: o.db, auditIntervalSeconds: phase === "quiet" ? QUIET_AUDIT_SECONDS : Number(values["audit-interval"]) });
  const controller = new AbortController();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const during = phase === "load" ? runLoad({ api: daemon.api, paths: ENDPOINTS, clients, signal: controller.signal, thinkMs }) : Promise.resolve([]);
  let rest: readonly EndpointLoad[] = [];
  try {
    const followed = await followIngest({
      api: daemon.api, target: flows, intervalMs: Number(values["poll-ms"]), cpuSeconds: () => daemon.cpuSeconds(),
      stopReason: () => { const exit = daemon.exited(); return exit === undefined ? undefined : `daemon exited (${exit}) while ingesting`; },
    });
    controller.abort();
    if (followed.failure !== undefined) {
      const none = (followed.samples.at(-1)?.flows ?? 0) === 0 ? " (no flow at all: did the daemon resume from the seeded cursor?)" : "";
      throw new Error(`${phase} phase: ${followed.failure}${none}`);
    }
    // Quiet: from when the audit at start is done (no analysis runs after it).
    const audited = phase === "quiet" ? (followed.samples.find((x) => x.auditAt !== null)?.flows ?? flows) : 0;
    const rate = windowRate(followed.samples, Math.max(flows * 0.1, audited), flows * 0.9);
    const audits = new Set(followed.samples.map((x) => x.auditAt).filter((x) => x !== null)).size;
    const duringLoad = await during;
    const loadSeconds = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(cpu0);
    if (phase === "load" && restSeconds > 0) {
      const restController = new AbortController();
      const restRun = runLoad({ api: daemon.api, paths: ENDPOINTS, clients, signal: restController.signal, thinkMs });
      setTimeout(() => { restController.abort(); }, restSeconds * 1000);
      rest = await restRun;
    }
    const peakRssMb = daemon.peakRssMb();
    const exit = await daemon.stop();
    return { phase, rate, peakRssMb, exit, during: duringLoad, rest, loadSeconds, clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6, audits };
  } finally {
    controller.abort();
    await during.catch(() => []);
    await daemon.stop();
    rmSync(o.db, { force: true });
    rmSync(`${o.db}-wal`, { force: true });
    rmSync(`${o.db}-shm`, { force: true });
  }
}

type Period = "during" | "rest";

/** All requests of one endpoint in one period (while ingesting, or after) over every round. */
function pooled(results: readonly PhaseResult[], period: Period, path: string): EndpointLoad & { seconds: number } {
  const parts = results.flatMap((r) => r[period].filter((e) => e.path === path).map((e) => ({ e, seconds: period === "rest" ? restSeconds : r.loadSeconds })));
  return {
    path,
    latenciesMs: parts.flatMap((p) => p.e.latenciesMs),
    errors: parts.reduce((n, p) => n + p.e.errors, 0),
    firstError: parts.find((p) => p.e.firstError !== undefined)?.e.firstError,
    bytes: parts.reduce((n, p) => n + p.e.bytes, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
  };
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
}

function report(results: readonly PhaseResult[], seeded: { flows: number; connections: number }, paced: PacedResult): void {
  const of = (phase: Phase): PhaseResult[] => results.filter((r) => r.phase === phase);
  const rateOf = (phase: Phase): number => median(of(phase).map((r) => r.rate.flowsPerSecond));
  const phaseRow = (phase: Phase, name: string): string[] => {
    const rs = of(phase);
    const rates = rs.map((r) => r.rate.flowsPerSecond);
    return [
      name, fmt(median(rates)), `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`, median(rs.map((r) => r.rate.cpuUsPerFlow)).toFixed(1),
      median(rs.map((r) => r.rate.cores)).toFixed(2), fmt(Math.max(...rs.map((r) => r.peakRssMb))), fmt(median(rs.map((r) => r.audits))),
    ];
  };
  const quiet = rateOf("quiet");
  const idle = rateOf("idle");
  const loaded = rateOf("load");
  const ratio = loaded / idle;
  const auditRatio = idle / quiet;
  const endpointRows: string[][] = [["endpoint", "while", "requests", "errors", "req/s", "p50 ms", "p99 ms", "max ms", "KB/response"]];
  const stats = new Map<string, { p50: number; p99: number; errors: number }>();
  for (const [period, label] of [["during", "ingesting"], ["rest", "ingest done"]] as const) {
    for (const path of ENDPOINTS) {
      const e = pooled(of("load"), period, path);
      if (e.latenciesMs.length === 0 && e.errors === 0) continue;
      const p50 = percentile(e.latenciesMs, 50);
      const p99 = percentile(e.latenciesMs, 99);
      if (label === "ingesting") stats.set(path, { p50, p99, errors: e.errors });
      endpointRows.push([
        path, label, fmt(e.latenciesMs.length), fmt(e.errors), (e.latenciesMs.length / e.seconds).toFixed(1), p50.toFixed(1), p99.toFixed(1),
        Math.max(...e.latenciesMs).toFixed(1), (e.bytes / Math.max(1, e.latenciesMs.length) / 1024).toFixed(1),
      ]);
    }
  }
  const clientCores = median(of("load").map((r) => r.clientCpuSeconds / r.loadSeconds));
  const unclean = results.filter((r) => r.exit !== "0").map((r) => `${r.phase}: ${r.exit}`);
  const firstErrors = ENDPOINTS.flatMap((path) => {
    const error = pooled(of("load"), "during", path).firstError ?? pooled(of("load"), "rest", path).firstError;
    return error === undefined ? [] : [`  first error of ${path}: ${error}`];
  });
  process.stdout.write(
    [
      `bench:api  graph preloaded with ${fmt(seeded.flows)} flows (${fmt(seeded.connections)} connections); each phase streams ${fmt(flows)} more over loopback gRPC; ${rounds} round(s); ${clients} closed-loop clients${thinkMs > 0 ? ` with ${thinkMs} ms think time` : ""}`,
      ...table([
        ["daemon ingest (10%–90% of the flows)", "flows/s (median)", "min–max", "daemon CPU µs/flow", "daemon cores", "daemon peak RSS MB", "audits seen"],
        phaseRow("quiet", "no API load, no audits"),
        phaseRow("idle", `no API load, audits every ${values["audit-interval"]}s`),
        phaseRow("load", `${clients} API clients, audits every ${values["audit-interval"]}s`),
      ]),
      `ratio with/without API load = ${ratio.toFixed(2)} · with/without audits = ${auditRatio.toFixed(2)}`,
      ...table(endpointRows),
      ...firstErrors,
      `load clients (this process) used ${clientCores.toFixed(2)} cores while ingesting`,
      `paced: ${fmt(paced.rate)} events/s live (${values["paced-share"]} of idle) for ${paced.seconds} s with the API load and ${paced.audits} audits, from an empty ring of ${paced.nodes} × ${HUBBLE_RING} (Relay over ${paced.nodes} nodes): read ${fmt(paced.flowsPerSecond)} flows/s (second half), ${fmt(paced.lostEvents - paced.warmupLostEvents)} events lost after the first ${values["warmup-seconds"]} s and ${fmt(paced.warmupLostEvents)} in them, writer at most ${paced.maxBehindSeconds.toFixed(1)} s behind the stream head, peak RSS ${fmt(paced.peakRssMb)} MB`,
      ...paced.during.map((e) => `  paced ${e.path}: ${fmt(e.latenciesMs.length)} requests, ${fmt(e.errors)} errors, p50 ${percentile(e.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(e.latenciesMs, 99).toFixed(1)} ms, max ${Math.max(0, ...e.latenciesMs).toFixed(1)} ms`),
      ...(unclean.length > 0 ? [`daemon did not exit 0 on SIGTERM: ${unclean.join(", ")}`] : []),
      `load average: ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} CPUs`,
      "",
    ].join("\n"),
  );
  const rows: SummaryRow[] = [
    infoRow("ingest, no API load", idle, "flows/s"),
    infoRow(`ingest, ${clients} API clients`, loaded, "flows/s"),
    infoRow("ingest with/without API load", ratio, "ratio"),
    infoRow("ingest, no API load, no audits", quiet, "flows/s"),
    infoRow("ingest with/without audits", auditRatio, "ratio"),
    atMostRow("events lost, paced replay with API load, after the warm-up", paced.lostEvents - paced.warmupLostEvents, "events", 0),
    infoRow("events lost, paced replay, warm-up", paced.warmupLostEvents, "events"),
  ];
  for (const path of ENDPOINTS) {
    const s = stats.get(path);
    rows.push(infoRow(`GET ${path} p50 (ingesting)`, s?.p50 ?? Number.NaN, "ms"), infoRow(`GET ${path} p99 (ingesting)`, s?.p99 ?? Number.NaN, "ms"));
  }
  const errors = ENDPOINTS.reduce((n, path) => n + (stats.get(path)?.errors ?? 0), 0);
  rows.push(atMostRow("API errors (ingesting)", errors, "requests", 0));
  writeSummary(values["summary-json"], { bench: "api", rows });
}
