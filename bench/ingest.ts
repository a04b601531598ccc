// npm run bench:ingest — generator flows streamed by the replay server (pre-encoded messages)
// over loopback gRPC to, alternating in one run, each client in a fresh process:
//   (a0) grpc-js with an identity deserializer: transport only, bytes discarded;
//   (a)  plain grpc-js with a @grpc/proto-loader client: each message deserialized, discarded;
//   (b)  ours: decoding and normalization into identities and connections.
// The target is (b)/(a) ≥ 0.8; (b)/(a0) is printed too. Options:
//   --flows N (default 500000)  --rounds R (default 3)  --workloads W (default 0: base app)
//   --summary-json FILE (also write the figures for `npm run bench`)
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { writeCapture } from "./harness/capture-file.js";
import { fmt, median } from "./harness/stats.js";
import { atLeastRow, infoRow, writeSummary } from "./harness/summary.js";
import type { ClientResult } from "./harness/client-process.js";
import { measureIngest } from "./ingest-harness.js";

const { values } = parseArgs({
  options: { flows: { type: "string", default: "500000" }, rounds: { type: "string", default: "3" }, workloads: { type: "string", default: "0" }, "summary-json": { type: "string" } },
});
const flows = Number(values.flows);
const rounds = Number(values.rounds);
const workloads = Number(values.workloads);

const log = (text: string): void => void process.stderr.write(`${text}\n`);
log(`generating ${fmt(flows)} flows (workloads=${workloads}) ...`);
const file = await writeCapture(flows, workloads);
log(`starting replay server and ${rounds} rounds of raw, grpc and ours ...`);
const m = await measureIngest({ file, messages: flows, rounds, onProgress: log });
rmSync(dirname(file), { recursive: true, force: true });

function row(name: string, runs: readonly ClientResult[], serverCpu: readonly number[]): string[] {
  const rates = runs.map((r) => r.messagesPerSecond);
  const clientUs = median(runs.map((r) => (r.cpuSeconds * 1e6) / r.messages));
  const serverUs = median(serverCpu.map((s, i) => (s * 1e6) / (runs[i]?.messages ?? 1)));
  const cores = median(runs.map((r) => r.cpuSeconds / r.seconds));
  return [name, fmt(median(rates)), `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`, clientUs.toFixed(2), cores.toFixed(2), fmt(median(runs.map((r) => r.peakRssMb))), serverUs.toFixed(2)];
}

const header = ["client", "msgs/s (median)", "min–max", "client CPU µs/msg", "client cores", "client peak RSS MB", "server CPU µs/msg"];
const rows = [
  header,
  row("(a0) grpc-js, bytes only", m.runs.raw, m.serverCpu.raw),
  row("(a) grpc-js + proto-loader", m.runs.grpc, m.serverCpu.grpc),
  row("(b) ours: decode + normalize", m.runs.ours, m.serverCpu.ours),
];
const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
const rate = (runs: readonly ClientResult[]): number => median(runs.map((r) => r.messagesPerSecond));
const ratio = rate(m.runs.ours) / rate(m.runs.grpc);
const transportRatio = rate(m.runs.ours) / rate(m.runs.raw);
const last = m.runs.ours.at(-1);
process.stdout.write(
  [
    `bench:ingest  ${fmt(flows)} messages per run, ${rounds} rounds, replay server peak RSS ${fmt(m.serverPeakRssMb)} MB`,
    ...lines,
    `ours produced ${fmt(last?.connections ?? 0)} connection events from ${fmt(last?.flows ?? 0)} flows per run`,
    `ratio (b)/(a) = ${ratio.toFixed(2)}  (target ≥ 0.80)    ratio (b)/(a0) = ${transportRatio.toFixed(2)}`,
    "",
  ].join("\n"),
);
writeSummary(values["summary-json"], {
  bench: "ingest",
  rows: [
    infoRow("(a0) grpc-js, bytes only", rate(m.runs.raw), "msgs/s"),
    infoRow("(a) grpc-js + proto-loader", rate(m.runs.grpc), "msgs/s"),
    infoRow("(b) ours: decode + normalize", rate(m.runs.ours), "msgs/s"),
    atLeastRow("ratio (b)/(a)", ratio, "ratio", 0.8, "0.80"),
    infoRow("ratio (b)/(a0)", transportRatio, "ratio"),
  ],
});
