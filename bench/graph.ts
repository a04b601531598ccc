// npm run bench:graph — Hubble flows through normalize → aggregate → SQLite, each scenario in
// a fresh process: flows/s, CPU per flow, peak RSS, DB size per million flows. Then the same
// pipeline fed over loopback gRPC by a replay server (decode included), against the bare
// grpc-js receive rate measured in the same run (bench/ingest-harness.ts). Options:
//   --long                 10M flows over ~100k edges instead (RSS must stay flat, ≤ 300 MB)
//   --scenario F:E         custom scenario: F flows over about E distinct edges (repeatable)
//   --grpc-flows N         messages for the gRPC comparison (default 200000; 0 skips it)
//   --rounds R             rounds of the gRPC comparison (default 1)
//   --grpc-only            skip the pipeline scenarios
//   --heap-mb M            V8 old-space limit of the pipeline processes (default: the image's
//                          NODE_OPTIONS --max-old-space-size from the Dockerfile, as the daemon
//                          runs; 0: Node's own default)
//   --summary-json FILE    also write the figures as {"bench":"graph","rows":[...]} for `npm run bench`
//
// Memory is measured inside each child process, which does everything a daemon's ingest
// does plus holding the replay pool: RSS (process.memoryUsage, from /proc) before the first
// flow and after each tenth of the input, and the peak RSS over the child's whole life
// (getrusage maxrss, so it includes building the pool and the final flush). V8's heap in use
// and reserved is shown beside it, to tell live data from collector headroom.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { persistFlows } from "../src/ingest/index.js";
import { ConnectionTracker, IdentityResolver } from "../src/flows/index.js";
import type { Connection, Flow, FlowEndpoint } from "../src/flows/index.js";
import { graphTotals, openGraphStore } from "../src/graph/index.js";
import type { HubbleEvent } from "../src/hubble/index.js";
import { decodeResponse } from "../src/hubble/index.js";
import { createFlowRun } from "../src/hubble/generate/index.js";
import { openFlowStream } from "../src/hubble/grpc/index.js";
import { CaptureBuilder } from "../src/hubble/replay/index.js";
import { writeCapture } from "./harness/capture-file.js";
import { runClientProcess } from "./harness/client-process.js";
import { FlowInterner } from "./harness/flow-interner.js";
import { startReplayProcess } from "./harness/replay-process.js";
import { peakRssMb, readMemory } from "./harness/memory-samples.js";
import type { MemoryReading } from "./harness/memory-samples.js";
import { fmt, median } from "./harness/stats.js";
import { atLeastRow, atMostRow, infoRow, writeSummary } from "./harness/summary.js";
import type { SummaryRow } from "./harness/summary.js";
import { measureRawReceive } from "./ingest-harness.js";

const { values } = parseArgs({
  options: {
    child: { type: "string" }, flows: { type: "string", default: "1000000" }, edges: { type: "string", default: "10000" },
    address: { type: "string", default: "" }, long: { type: "boolean", default: false }, scenario: { type: "string", multiple: true },
    "grpc-flows": { type: "string", default: "200000" }, rounds: { type: "string", default: "1" }, "heap-mb": { type: "string" }, "grpc-only": { type: "boolean", default: false },
    "summary-json": { type: "string" },
  },
});

/** The V8 old-space bound the container image runs the daemon with (its NODE_OPTIONS). */
const IMAGE_HEAP_MB = ((): number => {
  const dockerfile = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8");
  return Number(/NODE_OPTIONS=.*--max-old-space-size=(\d+)/.exec(dockerfile)?.[1] ?? 0);
})();

const log = (text: string): void => void process.stderr.write(`${text}\n`);

/** What a child process reports (one JSON line on stdout). */
interface ChildResult {
  readonly flows: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly connections: number;
  readonly edges: number;
  readonly dbBytes: number;
  /** Identity resolver entries evicted to stay within its bound (re-derived when seen again). */
  readonly identityEvictions: number;
  /** Highest RSS of the whole child process (getrusage), pool and setup included. */
  readonly peakRssMb: number;
  /** Memory before the first flow, then after each tenth of the input. */
  readonly memory: readonly MemoryReading[];
}

// Flows are synthesized once into a pool, then replayed cycle after cycle with shifted
// times, fresh uuids and, per cycle, namespaces renamed to one of `variants` copies: the
// measured loop then costs normalize → aggregate → SQLite, not the generator, and the
// number of distinct edges is set by the number of variants. The pool is decoded from wire
// bytes by the gRPC path's decoder, so its flows share endpoint objects the way live flows
// do; a renamed endpoint is likewise shared by the flows of one cycle. Equal parts of pooled
// flows are shared too (FlowInterner), so the pool is a small part of the measured memory.
const POOL_FLOWS = 10_000;
const POOL_WORKLOADS = 2000;
/** Generator workloads of the gRPC capture. */
const GRPC_WORKLOADS = 2000;

interface Pool {
  readonly events: readonly HubbleEvent[];
  readonly spanSeconds: number;
  readonly edgesPerVariant: number;
}

function buildPool(): Pool {
  const events: HubbleEvent[] = [];
  const interner = new FlowInterner();
  let capture = new CaptureBuilder();
  let encoded = 0;
  // Encoded a chunk at a time: the decoder keeps copies of endpoint bytes, and those should
  // not share (and so keep alive) buffer memory with a whole encoded capture.
  const decodeChunk = (): void => {
    for (const record of capture.capture().records) {
      const event = decodeResponse(record.bytes);
      events.push(event.kind === "flow" ? { ...event, flow: interner.flow(event.flow), nodeName: interner.string(event.nodeName) } : event);
    }
    capture = new CaptureBuilder();
  };
  for (const line of createFlowRun({ flows: POOL_FLOWS, workloads: POOL_WORKLOADS, seed: 5, rate: 100 }).lines) {
    capture.add(line);
    if (++encoded % 1000 === 0) decodeChunk();
  }
  decodeChunk();
  const times = events.flatMap((e) => (e.kind === "flow" ? [e.flow.time.seconds] : []));
  const tracker = new ConnectionTracker(new IdentityResolver());
  const out: Connection[] = [];
  for (const e of events) if (e.kind === "flow") tracker.push(e.flow, out);
  tracker.drain(out);
  const edges = new Set(out.map((c) => `${c.source.key}|${c.destination.key}|${c.protocol}|${c.port}`)).size;
  return { events, spanSeconds: Math.max(...times) - Math.min(...times) + 1, edgesPerVariant: edges };
}

/** Renames endpoints' namespaces for one variant, one shared copy per endpoint. */
class Renamer {
  private readonly copies = new Map<FlowEndpoint, FlowEndpoint>();

  constructor(private readonly variant: number) {}

  endpoint(endpoint: FlowEndpoint | undefined): FlowEndpoint | undefined {
    if (!endpoint || endpoint.namespace === "" || this.variant === 0) return endpoint;
    let copy = this.copies.get(endpoint);
    if (!copy) {
      copy = { ...endpoint, namespace: [endpoint.namespace, `v${this.variant}`].join("-") };
      this.copies.set(endpoint, copy);
    }
    return copy;
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async source, like a file or stream, is what the ingest loop pulls
async function* replayed(pool: Pool, flows: number, variants: number, memory: MemoryReading[]): AsyncGenerator<readonly HubbleEvent[]> {
  let n = 0;
  const tenth = Math.max(1, Math.floor(flows / 10));
  for (let cycle = 0; n < flows; cycle++) {
    const rename = new Renamer(cycle % variants);
    const shift = cycle * pool.spanSeconds;
    let batch: HubbleEvent[] = [];
    for (const e of pool.events) {
      if (n >= flows) break;
      if (e.kind !== "flow") continue;
      const f = e.flow;
      const flow: Flow = {
        ...f, time: { seconds: f.time.seconds + shift, nanos: f.time.nanos }, uuid: `${f.uuid}-${cycle}`,
        source: rename.endpoint(f.source), destination: rename.endpoint(f.destination),
      };
      batch.push({ kind: "flow", flow, nodeName: e.nodeName });
      if (++n % tenth === 0) memory.push(readMemory());
      if (batch.length >= 512) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

function grpcBatches(address: string, messages: number, memory: MemoryReading[]): AsyncIterable<readonly HubbleEvent[]> {
  const stream = openFlowStream({ address, request: { number: messages, first: true, follow: false }, onFailure: "stop" });
  return (async function* () {
    let n = 0;
    const tenth = Math.max(1, Math.floor(messages / 10));
    for await (const batch of stream.batches()) {
      const before = n;
      n += batch.length;
      if (Math.floor(n / tenth) > Math.floor(before / tenth)) memory.push(readMemory());
      yield batch;
    }
  })();
}

async function runChild(mode: string): Promise<void> {
  const flows = Number(mode === "grpc" ? values["grpc-flows"] : values.flows);
  const memory: MemoryReading[] = [];
  let batches: AsyncIterable<readonly HubbleEvent[]>;
  if (mode === "grpc") batches = grpcBatches(values.address, flows, memory);
  else {
    const pool = buildPool();
    const variants = Math.max(1, Math.round(Number(values.edges) / pool.edgesPerVariant));
    log(`  pool of ${fmt(pool.events.length)} events with ${fmt(pool.edgesPerVariant)} edges, replayed over ${variants} namespace variants`);
    batches = replayed(pool, flows, variants, memory);
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-graph-"));
  const file = join(dir, "graph.db");
  const store = openGraphStore({ path: file, check: "none" });
  memory.unshift(readMemory());
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await persistFlows(batches, { store, source: "bench", reorderMs: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const edges = graphTotals(store, { window: { sinceMs: 0, untilMs: 8.64e15 } }).edges;
  store.close();
  const size = (p: string): number => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  const out: ChildResult = {
    flows, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, connections: result.writer.stats.connections, edges, identityEvictions: result.identities().evictions,
    dbBytes: size(file) + size(`${file}-wal`), peakRssMb: peakRssMb(), memory,
  };
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function child(args: readonly string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const heapMb = Number(values["heap-mb"] ?? IMAGE_HEAP_MB);
    const heap = heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
    const proc = spawn(process.execPath, [...heap, new URL(import.meta.url).pathname, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => (out += chunk));
    proc.once("exit", (code) => {
      if (code !== 0) { reject(new Error(`bench child ${args.join(" ")} exited with ${code ?? "?"}`)); return; }
      resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "") as ChildResult); // our own child's JSON line
    });
  });
}

/** Peak RSS a pipeline process may reach, in MB, whatever the number of flows. */
const RSS_TARGET_MB = 300;
/** End-to-end gRPC ingest rate wanted, as a share of the bare grpc-js receive rate. */
const GRPC_RATIO_TARGET = 0.7;

/** What the gRPC comparison found: its report lines and the ratio to bare receive. */
interface GrpcComparison {
  readonly text: string;
  readonly ratio: number;
}

async function compareGrpc(messages: number, rounds: number): Promise<GrpcComparison> {
  log(`gRPC: writing a ${fmt(messages)}-flow capture, then bare receive and ours into the graph, ${rounds} round(s) ...`);
  const capture = await writeCapture(messages, GRPC_WORKLOADS);
  try {
    const raw = await measureRawReceive({ file: capture, messages, rounds, onProgress: log });
    const server = await startReplayProcess(capture, messages + 16);
    const ours: ChildResult[] = [];
    const normalizeOnly: number[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        // The ingest benchmark's client (decode + normalize, no graph) on the same server, to attribute the graph's cost.
        const plain = await runClientProcess("ours", server.address, messages);
        normalizeOnly.push((plain.cpuSeconds * 1e6) / plain.messages);
        ours.push(await child(["--child", "grpc", "--address", server.address, "--grpc-flows", String(messages)]));
      }
    } finally {
      await server.stop();
    }
    const rate = median(ours.map((o) => o.flows / o.seconds));
    const us = median(ours.map((o) => (o.cpuSeconds * 1e6) / o.flows));
    const ratio = rate / raw;
    const text = [
      `gRPC loopback, ${fmt(messages)} messages: bare receive ${fmt(raw)} msgs/s; ours decode → normalize → graph ${fmt(rate)} msgs/s; ratio ${ratio.toFixed(2)} (target ≥ ${GRPC_RATIO_TARGET.toFixed(2)})`,
      `  CPU per message: decode + normalize ${median(normalizeOnly).toFixed(1)} µs, with the graph ${us.toFixed(1)} µs; peak RSS ${fmt(Math.max(...ours.map((o) => o.peakRssMb)))} MB`,
    ].join("\n");
    return { text, ratio };
  } finally {
    rmSync(dirname(capture), { recursive: true, force: true });
  }
}

function heapText(m: MemoryReading | undefined): string {
  return m ? `${m.heapUsed}(${m.heapTotal})` : "?";
}

/** 10000000 → "10M", 100000 → "100k". */
function shortCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** The summary rows of one pipeline scenario. */
function scenarioRows(flows: number, edges: number, r: ChildResult): SummaryRow[] {
  const name = `${shortCount(flows)} flows over ${shortCount(edges)} edges`;
  return [
    infoRow(`${name}: normalize → aggregate → SQLite`, flows / r.seconds, "flows/s"),
    atMostRow(`${name}: peak RSS`, r.peakRssMb, "MB", RSS_TARGET_MB),
    infoRow(`${name}: database size`, r.dbBytes / 1048576 / (flows / 1e6), "MB per 1M flows"),
  ];
}

async function orchestrate(): Promise<void> {
  const scenarios = values["grpc-only"] ? [] : values.scenario?.map((s) => s.split(":").map(Number))
    ?? (values.long ? [[10_000_000, 100_000]] : [[1_000_000, 10_000], [1_000_000, 100_000]]);
  const lines: string[] = [];
  const rows: SummaryRow[] = [];
  for (const [flows = 0, edges = 0] of scenarios) {
    log(`scenario: ${fmt(flows)} flows over about ${fmt(edges)} edges ...`);
    const r = await child(["--child", "pipeline", "--flows", String(flows), "--edges", String(edges)]);
    lines.push(
      `${fmt(flows)} flows → ${fmt(r.connections)} connection events on ${fmt(r.edges)} edges; ${fmt(r.identityEvictions)} identity cache evictions`,
      `  normalize → aggregate → SQLite: ${fmt(flows / r.seconds)} flows/s, ${((r.cpuSeconds * 1e6) / flows).toFixed(2)} µs CPU/flow`,
      `  peak RSS ${fmt(r.peakRssMb)} MB; RSS before the first flow ${r.memory[0]?.rss ?? "?"} MB, then after each tenth: ${r.memory.slice(1).map((m) => m.rss).join(" ")} MB`,
      `  V8 heap used (total) before the first flow ${heapText(r.memory[0])}, then ${r.memory.slice(1).map(heapText).join(" ")} MB; external ${r.memory.at(-1)?.external ?? "?"} MB`,
      `  DB ${(r.dbBytes / 1048576).toFixed(1)} MB = ${(r.dbBytes / 1048576 / (flows / 1e6)).toFixed(1)} MB per million flows`,
    );
    rows.push(...scenarioRows(flows, edges, r));
  }
  const grpcFlows = Number(values["grpc-flows"]);
  if (grpcFlows > 0 && !values.long) {
    const grpc = await compareGrpc(grpcFlows, Number(values.rounds));
    lines.push(grpc.text);
    rows.push(atLeastRow("gRPC end to end vs bare receive", grpc.ratio, "ratio", GRPC_RATIO_TARGET, GRPC_RATIO_TARGET.toFixed(2)));
  }
  const heapMb = Number(values["heap-mb"] ?? IMAGE_HEAP_MB);
  const heapSetting = heapMb > 0 ? `--max-old-space-size=${heapMb}${values["heap-mb"] === undefined ? " (the image's NODE_OPTIONS)" : ""}` : "Node's default heap bound";
  process.stdout.write(`bench:graph (pipeline processes run with ${heapSetting})\n${lines.join("\n")}\n`);
  writeSummary(values["summary-json"], { bench: "graph", rows });
}

if (values.child) await runChild(values.child);
else await orchestrate();
