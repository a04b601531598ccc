// npm run bench — every benchmark, each in its own process (node dist/bench/<name>.js), then
// one table of their figures (bench | metric | value | unit | target | ok) with the load
// average and Node version. Each benchmark's own report and progress go to stderr; stdout
// holds only the summary table. Exits non-zero only when a benchmark process fails: a missed
// target is shown in the table, not fatal. Options:
//   --quick        smaller sizes, for a smoke run
//   --only a,b     run only these (of ingest, graph, policy, audit, api, analysis, startup)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fmt } from "./harness/stats.js";
import { readSummary } from "./harness/summary.js";
import type { SummaryRead } from "./harness/summary.js";

/** A benchmark: its script under dist/bench and its arguments for a full and a quick run. */
interface Bench {
  readonly name: string;
  readonly full: readonly string[];
  readonly quick: readonly string[];
}

const BENCHES: readonly Bench[] = [
  { name: "ingest", full: [], quick: ["--flows", "100000", "--rounds", "1"] },
  { name: "graph", full: [], quick: ["--scenario", "200000:10000", "--grpc-flows", "50000"] },
  { name: "policy", full: [], quick: ["--flows", "200000"] },
  { name: "audit", full: [], quick: ["--runs", "2"] },
  { name: "api", full: [], quick: ["--flows", "50000", "--preload", "50000", "--rounds", "1", "--rest-seconds", "1"] },
  { name: "analysis", full: [], quick: ["--sizes", "100,300", "--runs", "1"] },
  { name: "startup", full: [], quick: ["--rounds", "5"] },
];

/** How one benchmark process went. */
interface Outcome {
  readonly bench: string;
  /** Exit code or signal; "spawn failed: ..." when it never ran. */
  readonly exit: string;
  readonly seconds: number;
  /** One-minute load average when it ended. */
  readonly load: number;
  readonly summary: SummaryRead;
}

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, only: { type: "string" } } });
const only = values.only?.split(",").map((s) => s.trim()).filter((s) => s !== "");
const unknown = only?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s) in --only: ${unknown.join(", ")} (choose from ${BENCHES.map((b) => b.name).join(", ")})\n`);
  process.exit(2);
}
const selected = BENCHES.filter((b) => only === undefined || only.includes(b.name));

function run(bench: Bench, summaryFile: string): Promise<string> {
  const script = new URL(`./${bench.name}.js`, import.meta.url).pathname;
  const benchArgs = values.quick ? bench.quick : bench.full;
  const args = [script, ...benchArgs, "--summary-json", summaryFile];
  process.stderr.write(`\n== bench:${bench.name}: node dist/bench/${bench.name}.js ${benchArgs.join(" ")}\n`);
  return new Promise((resolve) => {
    // The benchmark's stdout (its own report) goes to our stderr, beside its progress.
    const child = spawn(process.execPath, args, { stdio: ["ignore", 2, "inherit"] });
    child.once("error", (err) => { resolve(`spawn failed: ${err.message}`); });
    child.once("exit", (code, signal) => { resolve(code === null ? (signal ?? "?") : String(code)); });
  });
}

/** A figure as text: whole numbers and large values with thousands separators, small ones with decimals. */
function formatValue(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 1000 || Number.isInteger(value)) return fmt(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function okText(ok: boolean | null): string {
  if (ok === null) return "";
  return ok ? "yes" : "MISSED";
}

function rowsOf(outcome: Outcome): string[][] {
  const failed = outcome.exit === "0" ? [] : [[outcome.bench, `FAILED (exit ${outcome.exit})`, "", "", "", ""]];
  switch (outcome.summary.kind) {
    case "ok":
      return [...failed, ...outcome.summary.summary.rows.map((r) => [outcome.bench, r.metric, formatValue(r.value), r.unit, r.target, okText(r.ok)])];
    case "missing":
      return failed.length > 0 ? failed : [[outcome.bench, "no summary", "", "", "", ""]];
    case "invalid":
      return [...failed, [outcome.bench, `unreadable summary: ${outcome.summary.reason}`, "", "", "", ""]];
    default: {
      const never: never = outcome.summary;
      throw new Error(`unexpected summary ${JSON.stringify(never)}`);
    }
  }
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ").trimEnd();
  return [line(rows[0] ?? []), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.slice(1).map(line)];
}

const startLoad = loadavg();
const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-bench-all-"));
const outcomes: Outcome[] = [];
try {
  for (const bench of selected) {
    const file = join(dir, `${bench.name}.json`);
    const t0 = performance.now();
    const exit = await run(bench, file);
    outcomes.push({ bench: bench.name, exit, seconds: (performance.now() - t0) / 1000, load: loadavg()[0] ?? Number.NaN, summary: readSummary(file) });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const loads = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(" ");
process.stdout.write(
  [
    "",
    `npm run bench${values.quick ? " --quick" : ""}: summary`,
    ...table([["bench", "metric", "value", "unit", "target", "ok"], ...outcomes.flatMap(rowsOf)]),
    "",
    `runs: ${outcomes.map((o) => `${o.bench} ${o.seconds.toFixed(0)} s (exit ${o.exit}, load ${o.load.toFixed(2)} at its end)`).join("; ")}`,
    `load average (1/5/15 min): ${loads(startLoad)} at start, ${loads(loadavg())} at end, on ${availableParallelism()} CPUs; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
    `node ${process.version} (${process.platform}-${process.arch})`,
    "",
  ].join("\n"),
);
process.exitCode = outcomes.some((o) => o.exit !== "0") ? 1 : 0;
