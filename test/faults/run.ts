/**
 * The reliability suite, apart from the unit tests: `npm run test:faults` (builds first).
 * Drives real processes through crashes, a full disk and hostile input, and prints one table:
 * faults tried, survived (for a kill: the restart before it had moved the stored cursor on;
 * for an input: refused and counted), connections lost and counted twice against a clean
 * run. Exits 1 when any scenario failed (a loss, a double count, a cursor that went back, a
 * crash or hang, an input not refused), and names what failed.
 *
 *   node dist/test/faults/run.js [--quick] [--only NAME,...] [--json FILE] [--seed 1]
 *
 * --quick runs each scenario at the size CI affords (about 10 minutes here); the default
 * sizes are larger (300k flows per file, 12 kills each).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { FaultRow } from "./counts.js";
import { compareCounts, graphCounts } from "./counts.js";
import { diskFullScenario } from "./disk-full.js";
import { hostileInputScenario } from "./hostile-input.js";
import { relayLoopScenario } from "./relay-loop.js";
import { generate, ingest, killLoop, seeded } from "./kill-loop.js";
import { serveKillScenario } from "./serve-kill.js";

const HELP = `usage: node dist/test/faults/run.js [--quick] [--only NAME,...] [--json FILE] [--seed N]
scenarios: file-kill, disk-full, serve-kill, relay-loop, hostile-input`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    json: { type: "string" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const seed = Number(values.seed);
const quick = values.quick;

/** SIGKILL loops of `ingest --from FILE`, plain and gzip, against one clean run. */
async function fileKillScenario(): Promise<FaultRow[]> {
  const flows = quick ? 100_000 : 300_000;
  const kills = quick ? 10 : 12;
  const dir = mkdtempSync(join(tmpdir(), "faults-file-kill-"));
  try {
    for (const name of ["flows.ndjson", "flows.ndjson.gz"]) await generate(join(dir, name), flows, 1000);
    const cleanRun = await ingest(join(dir, "flows.ndjson"), join(dir, "clean.db")).done;
    if (cleanRun.code !== 0) throw new Error(`clean ingest failed: ${cleanRun.stderr}`);
    const clean = graphCounts(join(dir, "clean.db"));
    const rows: FaultRow[] = [];
    for (const name of ["flows.ndjson", "flows.ndjson.gz"]) {
      const db = join(dir, `${name}.db`);
      const loop = await killLoop(join(dir, name), db, { kills, minMs: 800, maxMs: quick ? 4000 : 8000, random: seeded(seed) });
      const diff = compareCounts(clean, graphCounts(db, { integrity: true }));
      const failures = [
        loop.finalCode === 0 ? undefined : `the final run exited ${String(loop.finalCode)}`,
        loop.monotonic ? undefined : "the stored cursor went back",
        diff.lost === 0 && diff.countedTwice === 0 && diff.flowCountsDiffering === 0 ? undefined : `${diff.lost} lost, ${diff.countedTwice} counted twice, ${diff.flowCountsDiffering} edges with other flow counts`,
      ].filter((f): f is string => f !== undefined);
      rows.push({ name: `SIGKILL of ingest --from ${name} (${flows.toLocaleString("en")} flows)`, tried: kills, survived: loop.progressed, lost: diff.lost, countedTwice: diff.countedTwice, failures });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SCENARIOS: Readonly<Record<string, () => Promise<FaultRow | FaultRow[]>>> = {
  "file-kill": fileKillScenario,
  "disk-full": () => diskFullScenario({ flows: quick ? 40_000 : 100_000, rounds: 4 }),
  "serve-kill": () => serveKillScenario({ flows: quick ? 100_000 : 200_000, kills: quick ? 10 : 12, seed, fillRate: 5_000 }),
  "relay-loop": () => relayLoopScenario({ flows: quick ? 60_000 : 120_000, kills: quick ? 10 : 12, freezes: 3, seed }),
  "hostile-input": hostileInputScenario,
};

const only = values.only?.split(",").map((s) => s.trim()).filter((s) => s !== "");
for (const name of only ?? []) {
  if (SCENARIOS[name] === undefined) {
    process.stderr.write(`unknown scenario "${name}"\n${HELP}\n`);
    process.exit(2);
  }
}

function table(rows: readonly FaultRow[]): string {
  const head = ["scenario", "tried", "survived", "lost", "counted twice", "result"];
  const body = rows.map((r) => [r.name, String(r.tried), String(r.survived), String(r.lost), String(r.countedTwice), r.skipped !== undefined ? `skipped: ${r.skipped}` : r.failures.length === 0 ? "pass" : "FAIL"]);
  const lines = [head, head.map(() => "---"), ...body].map((cells) => `| ${cells.join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

const rows: FaultRow[] = [];
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (only !== undefined && !only.includes(name)) continue;
  const started = Date.now();
  process.stderr.write(`== ${name}\n`);
  try {
    const result = await scenario();
    for (const row of Array.isArray(result) ? result : [result]) {
      rows.push(row);
      process.stderr.write(`   ${row.name}: ${row.skipped ?? (row.failures.length === 0 ? "pass" : row.failures.join("; "))}\n`);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    rows.push({ name, tried: 0, survived: 0, lost: 0, countedTwice: 0, failures: [`the scenario could not run: ${message}`] });
    process.stderr.write(`   ${name}: could not run: ${message}\n`);
  }
  process.stderr.write(`   (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
process.stdout.write(table(rows));
for (const row of rows) for (const f of row.failures) process.stdout.write(`FAIL ${row.name}: ${f}\n`);
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
process.exitCode = rows.some((r) => r.failures.length > 0) ? 1 : 0;
