/**
 * Relay outages under one `serve`: a replay server (standing in for Hubble Relay) holds a
 * capture in its ring; while `serve` reads it, the server is killed and started again on
 * the same address, and frozen (SIGSTOP) past `--stall-after` and thawed. `serve` must
 * reconnect each time, resume with the overlap the reconnect asks for, and end on the graph of
 * one uninterrupted run, count for count: no connection lost, none counted twice, no
 * verdict relabelled.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareCounts, graphCounts } from "./counts.js";
import type { FaultRow } from "./counts.js";
import { cli, completeRun, exit, output, startServe, untilCaughtUp, writeCapture } from "./serve-kill.js";
import type { Status } from "./serve-kill.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startReplay(capture: string, address: string): Promise<ChildProcessWithoutNullStreams> {
  const replay = cli(["replay", "--file", capture, "--listen", address]);
  await output(replay, /listening on (\S+)/, 30_000);
  return replay;
}

const STALL_AFTER_S = 2;

/** Waits until serve's stream is connected. */
async function connected(api: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${api}/status`).then((r) => r.json() as Promise<Status>, () => undefined);
    if (status?.stream.status === "connected") return;
    await sleep(50);
  }
  throw new Error("serve did not connect again in time");
}

/** `kills` kills and restarts, then `freezes` freezes, of the server under one serve. */
export async function relayLoopScenario(options: { readonly flows: number; readonly kills: number; readonly freezes: number; readonly seed: number }): Promise<FaultRow> {
  const name = `relay killed ${options.kills}× and frozen ${options.freezes}× under serve`;
  const dir = mkdtempSync(join(tmpdir(), "faults-relay-loop-"));
  const failures: string[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  const serveArgs = ["--stall-after", `${STALL_AFTER_S}s`];
  try {
    const { capture, lastFlowTime } = await writeCapture(dir, options.flows, options.seed);
    const address = `127.0.0.1:${await freePort()}`;
    let replay = await startReplay(capture, address);
    children.push(replay);
    const reference = join(dir, "clean.db");
    const cleanProblem = await completeRun(dir, address, reference, lastFlowTime, serveArgs);
    if (cleanProblem !== undefined) throw new Error(`clean run: ${cleanProblem}`);
    const want = graphCounts(reference, { integrity: true });

    const db = join(dir, "outages.db");
    const serve = await startServe(dir, address, db, serveArgs);
    children.push(serve.child);
    let random = options.seed;
    const next = (): number => {
      random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0;
      return random / 2 ** 32;
    };
    let survived = 0;
    for (let kill = 0; kill < options.kills; kill++) {
      // Killed a moment after serve has connected again: mid-stream, with connections in flight.
      await connected(serve.api, 60_000);
      await sleep(150 + Math.round(next() * 350));
      replay.kill("SIGKILL");
      await exit(replay);
      await sleep(200 + Math.round(next() * 800));
      replay = await startReplay(capture, address);
      children.push(replay);
      if (serve.child.exitCode === null) survived++;
      else failures.push(`serve exited (${String(serve.child.exitCode)}) after relay kill ${kill + 1}`);
    }
    for (let freeze = 0; freeze < options.freezes; freeze++) {
      await sleep(300 + Math.round(next() * 700));
      replay.kill("SIGSTOP");
      await sleep(STALL_AFTER_S * 1000 + 1_500);
      replay.kill("SIGCONT");
      if (serve.child.exitCode === null) survived++;
      else failures.push(`serve exited (${String(serve.child.exitCode)}) after freeze ${freeze + 1}`);
    }
    try {
      await untilCaughtUp(serve.api, lastFlowTime, 120_000);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
    serve.child.kill("SIGTERM");
    const code = await exit(serve.child);
    if (code !== 0) failures.push(`serve exited ${String(code)} on SIGTERM`);
    const diff = compareCounts(want, graphCounts(db, { integrity: true }));
    if (diff.lost > 0 || diff.countedTwice > 0 || diff.flowCountsDiffering > 0) failures.push(`final graph: ${diff.lost} lost, ${diff.countedTwice} counted twice, ${diff.flowCountsDiffering} edges with other flow counts`);
    return { name, tried: options.kills + options.freezes, survived, lost: diff.lost, countedTwice: diff.countedTwice, failures };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}
