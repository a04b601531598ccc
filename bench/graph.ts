// npm run bench:graph — Hubble flows through normalize → aggregate → SQLite, each scenario in
// a fresh process: flows/s, CPU per flow, peak RSS, DB size per million flows. Then the same
// pipeline fed over loopback gRPC by a replay server (decode included), against the bare
// grpc-js receive rate measured in the same run (bench/ingest-harness.ts). Options:
//   --long                 10M flows over ~100k edges instead (RSS must stay flat, < 300 MB)
//   --scenario F:E         custom scenario: F flows over about E distinct edges (repeatable)
//   --grpc-flows N         messages for the gRPC comparison (default 200000; 0 skips it)
//   --rounds R             rounds of the gRPC comparison (default 1)
//   --grpc-only            skip the pipeline scenarios
//   --heap-mb M            V8 old-space limit of the pipeline processes (default: Node's)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { persistFlows } from "../src/cli/setup/graph-ingest.js";
import { ConnectionTracker, IdentityResolver } from "../src/flows/index.js";
import type { Connection, Flow, FlowEndpoint } from "../src/flows/index.js";
import { graphTotals, openGraphStore } from "../src/graph/index.js";
import type { HubbleEvent } from "../src/hubble/index.js";
import { eventFromMessage, responseFromJson } from "../src/hubble/index.js";
import { createFlowRun } from "../src/hubble/generate/index.js";
import { openFlowStream } from "../src/hubble/grpc/index.js";
import { writeCapture } from "./harness/capture-file.js";
import { runClientProcess } from "./harness/client-process.js";
import { startReplayProcess } from "./harness/replay-process.js";
import { fmt, median } from "./harness/stats.js";
import { measureRawReceive } from "./ingest-harness.js";

const { values } = parseArgs({
  options: {
    child: { type: "string" }, flows: { type: "string", default: "1000000" }, edges: { type: "string", default: "10000" },
    address: { type: "string", default: "" }, long: { type: "boolean", default: false }, scenario: { type: "string", multiple: true },
    "grpc-flows": { type: "string", default: "200000" }, rounds: { type: "string", default: "1" }, "heap-mb": { type: "string" }, "grpc-only": { type: "boolean", default: false },
  },
});

const log = (text: string): void => void process.stderr.write(`${text}\n`);

/** What a child process reports (one JSON line on stdout). */
interface ChildResult {
  readonly flows: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly connections: number;
  readonly edges: number;
  readonly dbBytes: number;
  readonly peakRssMb: number;
  /** RSS in MB before the first flow, then after each tenth of the input. */
  readonly rssMb: readonly number[];
}

// Flows are synthesized once into a pool, then replayed cycle after cycle with shifted
// times, fresh uuids and, per cycle, namespaces renamed to one of `variants` copies: the
// measured loop then costs normalize → aggregate → SQLite, not the generator, and the
// number of distinct edges is set by the number of variants.
const POOL_FLOWS = 20_000;
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
  for (const line of createFlowRun({ flows: POOL_FLOWS, workloads: POOL_WORKLOADS, seed: 5, rate: 100 }).lines) {
    const conv = responseFromJson(line);
    if (conv.ok) events.push(eventFromMessage(conv.message));
  }
  const times = events.flatMap((e) => (e.kind === "flow" ? [e.flow.time.seconds] : []));
  const tracker = new ConnectionTracker(new IdentityResolver());
  const out: Connection[] = [];
  for (const e of events) if (e.kind === "flow") tracker.push(e.flow, out);
  tracker.drain(out);
  const edges = new Set(out.map((c) => `${c.source.key}|${c.destination.key}|${c.protocol}|${c.port}`)).size;
  return { events, spanSeconds: Math.max(...times) - Math.min(...times) + 1, edgesPerVariant: edges };
}

function renamed(endpoint: FlowEndpoint | undefined, variant: number): FlowEndpoint | undefined {
  return endpoint && endpoint.namespace !== "" && variant > 0 ? { ...endpoint, namespace: `${endpoint.namespace}-v${variant}` } : endpoint;
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async source, like a file or stream, is what the ingest loop pulls
async function* replayed(pool: Pool, flows: number, variants: number, rss: number[]): AsyncGenerator<readonly HubbleEvent[]> {
  let n = 0;
  const tenth = Math.max(1, Math.floor(flows / 10));
  for (let cycle = 0; n < flows; cycle++) {
    const variant = cycle % variants;
    const shift = cycle * pool.spanSeconds;
    let batch: HubbleEvent[] = [];
    for (const e of pool.events) {
      if (n >= flows) break;
      if (e.kind !== "flow") continue;
      const f = e.flow;
      const flow: Flow = {
        ...f, time: { seconds: f.time.seconds + shift, nanos: f.time.nanos }, uuid: `${f.uuid}-${cycle}`,
        source: renamed(f.source, variant), destination: renamed(f.destination, variant),
      };
      batch.push({ kind: "flow", flow, nodeName: e.nodeName });
      if (++n % tenth === 0) rss.push(process.memoryUsage().rss / 1048576);
      if (batch.length >= 512) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

function grpcBatches(address: string, messages: number, rss: number[]): AsyncIterable<readonly HubbleEvent[]> {
  const stream = openFlowStream({ address, request: { number: messages, first: true, follow: false }, onFailure: "stop" });
  return (async function* () {
    let n = 0;
    const tenth = Math.max(1, Math.floor(messages / 10));
    for await (const batch of stream.batches()) {
      const before = n;
      n += batch.length;
      if (Math.floor(n / tenth) > Math.floor(before / tenth)) rss.push(process.memoryUsage().rss / 1048576);
      yield batch;
    }
  })();
}

async function runChild(mode: string): Promise<void> {
  const flows = Number(mode === "grpc" ? values["grpc-flows"] : values.flows);
  const rss: number[] = [];
  let batches: AsyncIterable<readonly HubbleEvent[]>;
  if (mode === "grpc") batches = grpcBatches(values.address, flows, rss);
  else {
    const pool = buildPool();
    const variants = Math.max(1, Math.round(Number(values.edges) / pool.edgesPerVariant));
    log(`  pool of ${fmt(pool.events.length)} events with ${fmt(pool.edgesPerVariant)} edges, replayed over ${variants} namespace variants`);
    batches = replayed(pool, flows, variants, rss);
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-graph-"));
  const file = join(dir, "graph.db");
  const store = openGraphStore({ path: file, check: "none" });
  rss.unshift(process.memoryUsage().rss / 1048576);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await persistFlows(batches, { store, source: "bench", reorderMs: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const edges = graphTotals(store, { window: { sinceMs: 0, untilMs: 8.64e15 } }).edges;
  store.close();
  const size = (p: string): number => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  const out: ChildResult = {
    flows, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, connections: result.writer.stats.connections, edges,
    dbBytes: size(file) + size(`${file}-wal`), peakRssMb: process.resourceUsage().maxRSS / 1024, rssMb: rss.map((r) => Math.round(r)),
  };
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function child(args: readonly string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const heap = values["heap-mb"] === undefined ? [] : [`--max-old-space-size=${values["heap-mb"]}`];
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

async function compareGrpc(messages: number, rounds: number): Promise<string> {
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
    return [
      `gRPC loopback, ${fmt(messages)} messages: bare receive ${fmt(raw)} msgs/s; ours decode → normalize → graph ${fmt(rate)} msgs/s; ratio ${(rate / raw).toFixed(2)} (target ≥ 0.70)`,
      `  CPU per message: decode + normalize ${median(normalizeOnly).toFixed(1)} µs, with the graph ${us.toFixed(1)} µs; peak RSS ${fmt(Math.max(...ours.map((o) => o.peakRssMb)))} MB`,
    ].join("\n");
  } finally {
    rmSync(dirname(capture), { recursive: true, force: true });
  }
}

async function orchestrate(): Promise<void> {
  const scenarios = values["grpc-only"] ? [] : values.scenario?.map((s) => s.split(":").map(Number))
    ?? (values.long ? [[10_000_000, 100_000]] : [[1_000_000, 10_000], [1_000_000, 100_000]]);
  const lines: string[] = [];
  for (const [flows = 0, edges = 0] of scenarios) {
    log(`scenario: ${fmt(flows)} flows over about ${fmt(edges)} edges ...`);
    const r = await child(["--child", "pipeline", "--flows", String(flows), "--edges", String(edges)]);
    lines.push(
      `${fmt(flows)} flows → ${fmt(r.connections)} connection events on ${fmt(r.edges)} edges`,
      `  normalize → aggregate → SQLite: ${fmt(flows / r.seconds)} flows/s, ${((r.cpuSeconds * 1e6) / flows).toFixed(2)} µs CPU/flow`,
      `  peak RSS ${fmt(r.peakRssMb)} MB; RSS before the first flow ${r.rssMb[0] ?? "?"} MB, then after each tenth: ${r.rssMb.slice(1).join(" ")} MB`,
      `  DB ${(r.dbBytes / 1048576).toFixed(1)} MB = ${(r.dbBytes / 1048576 / (flows / 1e6)).toFixed(1)} MB per million flows`,
    );
  }
  const grpcFlows = Number(values["grpc-flows"]);
  if (grpcFlows > 0 && !values.long) lines.push(await compareGrpc(grpcFlows, Number(values.rounds)));
  process.stdout.write(`bench:graph\n${lines.join("\n")}\n`);
}

if (values.child) await runChild(values.child);
else await orchestrate();
