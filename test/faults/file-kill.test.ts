import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareCounts, generate, graphCounts, ingest, killLoop, seeded } from "./kill-loop.js";

// 12,000 flows over 120 s of flow time: longer than the tracker's horizon, so a restart
// starts reading past the file's beginning and the cursor has to carry what is in flight.
const FLOWS = 12_000;
const RATE = 100;

let dir = "";
let clean = new Map<string, number>();

describe("ingest --from FILE killed at random points", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "file-kill-"));
    await generate(join(dir, "flows.ndjson"), FLOWS, RATE);
    await generate(join(dir, "flows.ndjson.gz"), FLOWS, RATE);
    const done = await ingest(join(dir, "flows.ndjson"), join(dir, "clean.db")).done;
    expect(done.code, done.stderr).toBe(0);
    clean = graphCounts(join(dir, "clean.db"));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ends, after ten SIGKILLs and a complete run, with the clean run's graph count for count", async () => {
    const db = join(dir, "killed.db");
    const loop = await killLoop(join(dir, "flows.ndjson"), db, { kills: 10, minMs: 500, maxMs: 1500, random: seeded(11) });
    expect(loop.finalCode).toBe(0);
    expect(loop.monotonic).toBe(true);
    expect(loop.progressed).toBeGreaterThan(0);
    const got = graphCounts(db);
    expect(compareCounts(clean, got)).toEqual({ connections: compareCounts(clean, clean).connections, lost: 0, countedTwice: 0, flowCountsDiffering: 0 });
    expect(got).toEqual(clean);
  }, 120_000);

  it("resumes a gzip file the same way (decompressed again up to the cursor)", async () => {
    const db = join(dir, "gzip.db");
    const loop = await killLoop(join(dir, "flows.ndjson.gz"), db, { kills: 4, minMs: 700, maxMs: 1500, random: seeded(5) });
    expect(loop.finalCode).toBe(0);
    expect(graphCounts(db)).toEqual(clean);
  }, 120_000);

  it("adds nothing when a complete file is ingested again", async () => {
    const db = join(dir, "again.db");
    for (let i = 0; i < 2; i++) expect((await ingest(join(dir, "flows.ndjson"), db).done).code).toBe(0);
    expect(graphCounts(db)).toEqual(clean);
  }, 120_000);
});
