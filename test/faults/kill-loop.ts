/**
 * Crash loops against the built CLI: `ingest --from FILE` killed with SIGKILL at random
 * points, then run to the end, and the graph compared with a clean run of the same file.
 * Used by the CI test beside it (small file) and by `npm run test:faults` (large file).
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

/** The built CLI (beside this file once built into dist/, else in dist/ of the repository). */
export const MAIN = existsSync(join(import.meta.dirname, "../../src/cli/main.js")) && import.meta.filename.endsWith(".js")
  ? join(import.meta.dirname, "../../src/cli/main.js")
  : join(import.meta.dirname, "../../dist/src/cli/main.js");

/** Starts `ingest`; resolves with its exit code or signal. */
export function ingest(file: string, db: string, extra: readonly string[] = []): { kill: () => void; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [MAIN, "ingest", "--from", file, "--db", db, "--flush-interval", "200", "--progress-interval", "60000", ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => { resolve({ code, signal, stderr }); });
  });
  return { kill: () => child.kill("SIGKILL"), done };
}

export { compareCounts, graphCounts } from "./counts.js";

/** The stored file cursor's last record, or -1 when none is stored yet. */
export function cursorLast(db: string): number {
  if (!existsSync(db)) return -1;
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const row = raw.prepare("SELECT last FROM ingest_file_cursors").get() as { last: number } | undefined; // the SELECT's column
    return row?.last ?? -1;
  } catch {
    return -1; // the schema is not created yet
  } finally {
    raw.close();
  }
}

/** What a kill loop did. */
export interface KillLoopResult {
  readonly kills: number;
  /** Kills after which the stored cursor had moved on. */
  readonly progressed: number;
  /** True when the stored cursor never went back. */
  readonly monotonic: boolean;
  readonly finalCode: number | null;
}

/** Writes `flows` generated flows (`generate`) to `out` (a .gz name compresses). */
export async function generate(out: string, flows: number, rate: number, seed = 7): Promise<void> {
  const child = spawn(process.execPath, [MAIN, "generate", "--flows", String(flows), "--rate", String(rate), "--seed", String(seed), "--out", out], { stdio: "ignore" });
  const code = await new Promise<number | null>((resolve) => { child.on("close", resolve); });
  if (code !== 0) throw new Error(`generate exited with ${String(code)}`);
}

/** Kills `ingest` `kills` times after a random `minMs`–`maxMs` each, then runs it to the end. */
export async function killLoop(file: string, db: string, options: { kills: number; minMs: number; maxMs: number; random?: () => number }): Promise<KillLoopResult> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
  const random = options.random ?? Math.random;
  let progressed = 0;
  let monotonic = true;
  let last = cursorLast(db);
  for (let i = 0; i < options.kills; i++) {
    const run = ingest(file, db);
    const wait = options.minMs + random() * (options.maxMs - options.minMs);
    await new Promise((resolve) => setTimeout(resolve, wait));
    run.kill();
    await run.done;
    const now = cursorLast(db);
    if (now < last) monotonic = false;
    if (now > last) progressed++;
    last = now;
  }
  const final = await ingest(file, db).done;
  return { kills: options.kills, progressed, monotonic, finalCode: final.code };
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so a failing loop can be rerun. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
