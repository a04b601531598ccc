/**
 * SIGKILL loops on `serve`: a replay server holds a capture in its ring (as Relay holds what
 * the nodes buffered), filled at a cluster's pace (`--fill-rate`), so each restart meets a
 * stream still in progress; `serve` on a fresh graph reads it, is killed at a random moment,
 * started again, and so on; a last run reads to the end and stops with SIGTERM. Its graph
 * must equal, count for count, the graph of one uninterrupted run over the same ring; the
 * restarts that moved the stored cursor forward are counted as survived.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import Database from "better-sqlite3";
import { DEMO_POLICIES } from "../../src/daemon/index.js";
import { writeNdjson } from "../../src/hubble/generate/index.js";
import { compareCounts, graphCounts } from "./counts.js";
import { MAIN } from "./kill-loop.js";
import type { FaultRow } from "./counts.js";


export function cli(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, LOG_LEVEL: "warn" } });
}

export function output(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => { reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; got: ${text}`)); }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

export function exit(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => { child.once("exit", (code) => { resolve(code); }); });
}

/**
 * Where the stored stream cursor stands, as "seconds.nanos" of its last flow, or "" before
 * the first commit (or before the schema has its table).
 */
function cursorOf(db: string): string {
  try {
    const raw = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const row = raw.prepare("SELECT last_seconds AS seconds, last_nanos AS nanos FROM ingest_stream_cursors").get() as { seconds: number; nanos: number } | undefined; // our schema
      return row === undefined ? "" : `${String(row.seconds).padStart(12, "0")}.${String(row.nanos).padStart(9, "0")}`;
    } finally {
      raw.close();
    }
  } catch {
    return "";
  }
}

export interface Status {
  readonly stream: { readonly status: string; readonly lastFlowTime: string | null };
  readonly ingest: { readonly flows: number };
}

/** Starts serve against `hubble`; returns it once the API answers. */
export async function startServe(dir: string, hubble: string, db: string, extra: readonly string[] = []): Promise<{ child: ChildProcessWithoutNullStreams; api: string }> {
  const child = cli([
    "serve", "--hubble", hubble, "--policies", join(dir, "policies.yaml"), "--db", db,
    "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--audit-interval", "1h", "--summary-interval", "1", ...extra,
  ]);
  const match = await output(child, /^api: (http:\S+)$/m, 60_000);
  return { child, api: match[1] ?? "" };
}

/** Waits until serve has received the capture's last flow and stays there for a second. */
export async function untilCaughtUp(api: string, lastFlowTime: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stableSince: number | undefined;
  let flows = -1;
  while (Date.now() < deadline) {
    const status = await fetch(`${api}/status`).then((r) => r.json() as Promise<Status>, () => undefined);
    if (status !== undefined && status.stream.lastFlowTime !== null && Date.parse(status.stream.lastFlowTime) >= Date.parse(lastFlowTime)) {
      if (status.ingest.flows === flows) {
        stableSince ??= Date.now();
        if (Date.now() - stableSince > 1000) return;
      } else {
        stableSince = undefined;
        flows = status.ingest.flows;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("serve did not read the whole ring in time");
}

/** Reads the ring to its end with one serve run, then stops it with SIGTERM. */
export async function completeRun(dir: string, hubble: string, db: string, lastFlowTime: string, extra: readonly string[] = []): Promise<string | undefined> {
  const serve = await startServe(dir, hubble, db, extra);
  try {
    await untilCaughtUp(serve.api, lastFlowTime, 120_000);
  } finally {
    serve.child.kill("SIGTERM");
  }
  const code = await exit(serve.child);
  return code === 0 ? undefined : `the final serve run exited ${String(code)}`;
}

/** A generated capture of the last hour in `dir` (with the demo policies beside it), and its newest flow time. */
export async function writeCapture(dir: string, flows: number, seed: number): Promise<{ capture: string; lastFlowTime: string }> {
  writeFileSync(join(dir, "policies.yaml"), DEMO_POLICIES);
  const capture = join(dir, "capture.ndjson");
  const out = createWriteStream(capture);
  await writeNdjson(out, { flows, seed, startMs: Date.now() - 3_600_000 });
  out.end();
  await finished(out);
  let lastFlowTime = "";
  for await (const line of createInterface({ input: createReadStream(capture), crlfDelay: Infinity })) {
    const time = line === "" ? undefined : (JSON.parse(line) as { flow?: { time?: string } }).flow?.time;
    if (time !== undefined && time > lastFlowTime) lastFlowTime = time;
  }
  return { capture, lastFlowTime };
}

/** `kills` SIGKILLs of serve at random moments of its read of a `flows`-flow ring. */
export async function serveKillScenario(options: { readonly flows: number; readonly kills: number; readonly seed: number; readonly fillRate: number }): Promise<FaultRow> {
  const name = "SIGKILL of serve mid-stream";
  const dir = mkdtempSync(join(tmpdir(), "faults-serve-kill-"));
  const failures: string[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  try {
    const { capture, lastFlowTime } = await writeCapture(dir, options.flows, options.seed);
    // The reference reads the whole ring at once; the killed runs get a server of their own
    // whose ring fills at the pace from its start.
    const whole = cli(["replay", "--file", capture, "--listen", "127.0.0.1:0"]);
    children.push(whole);
    const reference = join(dir, "clean.db");
    const cleanProblem = await completeRun(dir, (await output(whole, /listening on (\S+)/, 30_000))[1] ?? "", reference, lastFlowTime);
    if (cleanProblem !== undefined) throw new Error(`clean run: ${cleanProblem}`);
    whole.kill();
    const want = graphCounts(reference, { integrity: true });
    const end = cursorOf(reference);
    const replay = cli(["replay", "--file", capture, "--listen", "127.0.0.1:0", "--fill-rate", String(options.fillRate)]);
    children.push(replay);
    const hubble = (await output(replay, /listening on (\S+)/, 30_000))[1] ?? "";

    const db = join(dir, "killed.db");
    let random = options.seed;
    const next = (): number => {
      random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0;
      return random / 2 ** 32;
    };
    let stuck = 0;
    for (let kill = 0; kill < options.kills; kill++) {
      const before = cursorOf(db);
      const serve = await startServe(dir, hubble, db);
      children.push(serve.child);
      // Past the writer's first flush (1 s after the stream connects), so each run has had the chance to commit.
      await new Promise((resolve) => setTimeout(resolve, 2_000 + Math.round(next() * 3_000)));
      serve.child.kill("SIGKILL");
      await exit(serve.child);
      const after = cursorOf(db);
      if (before !== end && (after === "" || after <= before)) stuck++;
    }
    const problem = await completeRun(dir, hubble, db, lastFlowTime);
    if (problem !== undefined) failures.push(problem);
    // A restart that did not move the cursor is reported (survived), not failed: under load a
    // kill can come before the restarted run's first commit.
    const diff = compareCounts(want, graphCounts(db, { integrity: true }));
    if (diff.lost > 0 || diff.countedTwice > 0 || diff.flowCountsDiffering > 0) failures.push(`final graph: ${diff.lost} lost, ${diff.countedTwice} counted twice, ${diff.flowCountsDiffering} edges with other flow counts`);
    return { name, tried: options.kills, survived: options.kills - stuck, lost: diff.lost, countedTwice: diff.countedTwice, failures };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}
