/**
 * The long crash loops, run apart from the test suite: `npm run test:faults` (after a build).
 * Generates a flow file, ingests it cleanly, then for the plain and the gzip file kills
 * `ingest` with SIGKILL at random points and runs it to the end, and prints what happened:
 * tried (kills), survived (cursor moved on), lost and counted twice against the clean run.
 *
 *   node dist/test/faults/run.js [--flows 300000] [--rate 1000] [--kills 12] [--min-ms 800] [--max-ms 8000] [--seed 1]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compareCounts, generate, graphCounts, ingest, killLoop, seeded } from "./kill-loop.js";

const { values } = parseArgs({
  options: {
    flows: { type: "string", default: "300000" },
    rate: { type: "string", default: "1000" },
    kills: { type: "string", default: "12" },
    "min-ms": { type: "string", default: "800" },
    "max-ms": { type: "string", default: "8000" },
    seed: { type: "string", default: "1" },
  },
});
const flows = Number(values.flows);
const kills = Number(values.kills);
const dir = mkdtempSync(join(tmpdir(), "faults-"));
let failed = false;
try {
  for (const name of ["flows.ndjson", "flows.ndjson.gz"]) await generate(join(dir, name), flows, Number(values.rate));
  const cleanRun = await ingest(join(dir, "flows.ndjson"), join(dir, "clean.db")).done;
  if (cleanRun.code !== 0) throw new Error(`clean ingest failed: ${cleanRun.stderr}`);
  const clean = graphCounts(join(dir, "clean.db"));
  const cleanConnections = compareCounts(clean, clean).connections;
  for (const name of ["flows.ndjson", "flows.ndjson.gz"]) {
    const db = join(dir, `${name}.db`);
    const loop = await killLoop(join(dir, name), db, { kills, minMs: Number(values["min-ms"]), maxMs: Number(values["max-ms"]), random: seeded(Number(values.seed)) });
    const diff = compareCounts(clean, graphCounts(db));
    const ok = loop.finalCode === 0 && loop.monotonic && diff.lost === 0 && diff.countedTwice === 0 && diff.flowCountsDiffering === 0;
    if (!ok) failed = true;
    process.stdout.write(`${JSON.stringify({
      case: `SIGKILL of ingest --from ${name}`, flows, tried: loop.kills, survived: loop.progressed, cursorMonotonic: loop.monotonic,
      cleanConnections, connections: diff.connections, lost: diff.lost, countedTwice: diff.countedTwice, flowCountsDiffering: diff.flowCountsDiffering,
    })}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
