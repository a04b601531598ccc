// Crash safety of `hubble-auditor ingest` with a real child process: SIGKILL in the middle
// of a file leaves a consistent database whose counts a second run completes without
// counting anything twice; SIGTERM flushes everything. Runs the built CLI (`npm run build`,
// which `npm ci` runs through the prepare script).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphTotals, openGraphStore, queryGraph, readCursor } from "../src/graph/index.js";
import { writeNdjson } from "../src/hubble/generate/index.js";

const MAIN = join(import.meta.dirname, "../dist/src/cli/main.js");
// Enough that the run lasts seconds past its first commit (about 6 s at this machine's
// 10k flows/s), so the kill lands mid-file even on a loaded machine.
const FLOWS = 60_000;
const EVERYTHING = { window: { sinceMs: 0, untilMs: Date.UTC(2100, 0, 1) } };
let dir = "";
let capture = "";

function run(db: string, extra: readonly string[] = []): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [MAIN, "ingest", "--from", capture, "--db", db, "--flush-interval", "200", "--progress-interval", "60000", ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, LOG_LEVEL: "warn" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on("exit", (code, signal) => { resolve({ code, signal, stderr }); });
  });
  return { child, done };
}

/** Polls the database (read-only, beside the writer) until `test` holds; bounded. */
async function until(db: string, test: (raw: Database.Database) => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (existsSync(db)) {
      const raw = new Database(db, { readonly: true, fileMustExist: true });
      try {
        if (test(raw)) return;
      } catch {
        // The schema may not exist yet.
      } finally {
        raw.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${db}`);
}

/**
 * Count per (edge, kind) of a database. Verdicts are left out on purpose: a connection whose
 * events straddle the cursor is counted once after a crash, with the verdict of the events
 * read after it (e.g. FORWARDED by a trace instead of REDIRECTED by the policy verdict).
 */
function counts(db: string): Map<string, number> {
  const store = openGraphStore({ path: db, access: "read-only", check: "integrity" });
  try {
    const out = new Map<string, number>();
    for (const e of queryGraph(store, EVERYTHING).edges) {
      const edge = `${e.source}>${e.destination}/${e.protocol}/${e.port}`;
      if (e.connections > 0) out.set(`${edge} new`, e.connections);
      if (e.requests > 0) out.set(`${edge} request`, e.requests);
    }
    return out;
  } finally {
    store.close();
  }
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

describe("ingest crash safety", () => {
  let clean = new Map<string, number>();
  let cleanCursor: unknown;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), "graph-crash-"));
    capture = join(dir, "capture.ndjson");
    const out = createWriteStream(capture);
    await writeNdjson(out, { flows: FLOWS, seed: 11 });
    out.end();
    await finished(out);
    const reference = join(dir, "clean.db");
    const { done } = run(reference);
    expect((await done).code).toBe(0);
    clean = counts(reference);
    const store = openGraphStore({ path: reference, access: "read-only" });
    cleanCursor = readCursor(store, `file:${capture}`);
    store.close();
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("survives SIGKILL mid-file and resumes from the cursor without double counting", async () => {
    const db = join(dir, "killed.db");
    const first = run(db);
    // Wait for a few flushes, then kill without warning.
    await until(db, (raw) => Number(raw.prepare("SELECT count(*) FROM edge_buckets").pluck().get()) > 0 && Number(raw.prepare("SELECT count(*) FROM ingest_cursors").pluck().get()) === 1);
    expect(first.child.exitCode).toBeNull();
    first.child.kill("SIGKILL");
    expect((await first.done).signal).toBe("SIGKILL");

    // integrity_check passes on the file as the kill left it.
    const partial = counts(db);
    expect(total(partial)).toBeLessThan(total(clean));

    const second = run(db);
    const result = await second.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipped as already stored/);
    const resumed = counts(db);
    for (const [key, n] of resumed) expect(n, key).toBeLessThanOrEqual(clean.get(key) ?? 0);
    // At most what was waiting for its flush (or its merge window) when the kill came is lost.
    expect(total(resumed)).toBeGreaterThan(total(clean) * 0.9);
    const store = openGraphStore({ path: db, access: "read-only", check: "integrity" });
    expect(readCursor(store, `file:${capture}`)).toEqual(cleanCursor);
    expect(graphTotals(store, EVERYTHING).edges).toBeGreaterThan(0);
    store.close();
  }, 120_000);

  it("flushes everything on SIGTERM", async () => {
    const db = join(dir, "stopped.db");
    const following = run(db, ["--follow"]);
    // Wait until reading has caught up with the file: the cursor stops moving.
    let last: unknown;
    let still = 0;
    await until(db, (raw) => {
      const now: unknown = raw.prepare("SELECT flow_key FROM ingest_cursors").pluck().get();
      still = now !== undefined && now === last ? still + 1 : 0;
      last = now;
      return still >= 20;
    });
    following.child.kill("SIGTERM");
    const result = await following.done;
    expect(result.code, result.stderr).toBe(0);
    expect(counts(db)).toEqual(clean);
  }, 120_000);
});
