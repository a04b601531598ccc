/**
 * Start-up benchmark: wall time of `hubble-auditor --version`, `--help` and `graph --help`
 * against bare `node -e 0`, run side by side (one of each per round, in turn, so load
 * changes touch all alike); the figures are medians over the rounds and the ratios are of
 * medians. The target (≤ 1.5 × bare node) is for `--version` and `--help`, which load no
 * command; `graph --help` loads its command's modules and is shown for comparison. Options: `--rounds N` (default 15), `--summary-json FILE`.
 * Run: `npm run build && node dist/bench/startup.js`.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { atMostRow, infoRow, writeSummary } from "./harness/summary.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "15" }, "summary-json": { type: "string" } } });
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  process.stderr.write(`--rounds must be a positive whole number, got "${values.rounds}"\n`);
  process.exit(2);
}
/** Each command's start-up may take at most this many times bare Node's. */
const TARGET = 1.5;

const MAIN = new URL("../src/cli/main.js", import.meta.url).pathname;
const RUNS: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "--version", args: [MAIN, "--version"] },
  { name: "--help", args: [MAIN, "--help"] },
  { name: "graph --help", args: [MAIN, "graph", "--help"] },
];

function timeOnce(args: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${String(r.status ?? r.signal)}: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const times = RUNS.map(() => [] as number[]);
for (const run of RUNS) timeOnce(run.args); // warm the file cache
for (let round = 0; round < ROUNDS; round++) {
  RUNS.forEach((run, i) => times[i]?.push(timeOnce(run.args)));
}
const medians = times.map(median);
const bare = medians[0] ?? Number.NaN;
process.stdout.write(`start-up, median of ${ROUNDS} rounds (load ${loadavg()[0]?.toFixed(2) ?? "?"}, ${availableParallelism()} CPUs):\n`);
RUNS.forEach((run, i) => {
  const ms = medians[i] ?? Number.NaN;
  process.stdout.write(`  ${run.name.padEnd(14)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / bare).toFixed(2)} x bare node\n`);
});
writeSummary(values["summary-json"], {
  bench: "startup",
  rows: [
    infoRow("bare node -e 0", bare, "ms"),
    ...RUNS.slice(1).flatMap((run, i) => {
      const ms = medians[i + 1] ?? Number.NaN;
      // A command's own --help loads that command's modules: measured, without a target.
      const ratio = run.args.length > 2 ? infoRow(`${run.name} / bare node`, ms / bare, "ratio") : atMostRow(`${run.name} / bare node`, ms / bare, "ratio", TARGET);
      return [infoRow(`${run.name} (median)`, ms, "ms"), ratio];
    }),
  ],
});
