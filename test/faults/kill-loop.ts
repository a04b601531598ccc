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

/** Connections per (edge, kind, verdict, side verdicts) and flow counts per edge, by query. */
export function graphCounts(db: string): Map<string, number> {
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const edge = `s.key || '>' || d.key || ' ' || e.protocol || '/' || e.port`;
    const joins = "JOIN edges e ON e.id = x.edge_id JOIN identities s ON s.id = e.source_id JOIN identities d ON d.id = e.destination_id";
    const buckets = `SELECT ${edge} || ' ' || x.kind || ' ' || x.verdict || ' ' || x.egress || ' ' || x.ingress AS k, sum(x.count) AS n FROM edge_buckets x ${joins} GROUP BY k`;
    const flows = ["forwarded", "l7", "audited", "dropped"].map((c) => `SELECT 'flows ${c} ' || ${edge} AS k, sum(x.${c}) AS n FROM edge_variants x ${joins} GROUP BY k`);
    const rows = raw.prepare([buckets, ...flows].join(" UNION ALL ")).all() as { k: string; n: number }[]; // the SELECT's columns
    return new Map(rows.map((r) => [r.k, r.n]));
  } finally {
    raw.close();
  }
}

/**
 * How a graph differs from the clean one: connections stored, missing and in excess, and
 * edges whose flow counts differ.
 */
export function compareCounts(clean: ReadonlyMap<string, number>, got: ReadonlyMap<string, number>): { connections: number; lost: number; countedTwice: number; flowCountsDiffering: number } {
  let lost = 0;
  let countedTwice = 0;
  let connections = 0;
  let flowCountsDiffering = 0;
  for (const key of new Set([...clean.keys(), ...got.keys()])) {
    if (key.startsWith("flows ")) {
      if ((clean.get(key) ?? 0) !== (got.get(key) ?? 0)) flowCountsDiffering++;
      continue;
    }
    const want = clean.get(key) ?? 0;
    const have = got.get(key) ?? 0;
    connections += have;
    if (have < want) lost += want - have;
    else countedTwice += have - want;
  }
  return { connections, lost, countedTwice, flowCountsDiffering };
}

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
