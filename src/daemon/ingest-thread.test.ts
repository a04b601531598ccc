// The ingest thread as serve runs it: the built worker (dist, compiled by the suite's global
// setup) reading a real replay server over loopback gRPC into a real SQLite file.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { graphTotals, openGraphStore } from "../graph/index.js";
import { createFlowRun } from "../hubble/generate/index.js";
import { CaptureBuilder, ReplayServer, ReplaySource } from "../hubble/replay/index.js";
import { IngestThread, addTotals } from "./ingest-thread.js";
import { behindSeconds } from "./messages.js";
import type { IngestThreadConfig } from "./messages.js";

const WORKER = join(fileURLToPath(new URL(".", import.meta.url)), "../../dist/src/daemon/ingest-worker.js");
const FLOWS = 6_000;
const dir = mkdtempSync(join(tmpdir(), "ingest-thread-"));
const log = pino({ level: "silent" });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A generator capture in a replay server's ring, served live (again, stamped now) at `rate`
 * flows/s once `start` is called; `flows`: what a fresh graph reads, both.
 */
async function replay(rate: number): Promise<{ address: string; flows: number; start: () => void }> {
  const builder = new CaptureBuilder();
  const lines = createFlowRun({ flows: FLOWS, seed: 5 }).lines;
  for (const line of lines) builder.add(line);
  const capture = builder.capture();
  // The ring holds the capture and its live replay: a fresh graph reads both, nothing overwritten.
  const source = new ReplaySource(capture, { rate, loop: false, capacity: 2 * capture.records.length + 100 });
  const server = new ReplayServer(source, { listen: "127.0.0.1:0" });
  const address = await server.listen();
  cleanup.push(async () => {
    source.stop();
    await server.close();
  });
  expect(capture.records.length).toBeGreaterThan(FLOWS / 2);
  return { address, flows: 2 * capture.records.filter((r) => r.isFlow).length, start: () => { source.start(); } };
}

function config(address: string, db: string): Omit<IngestThreadConfig, "kind"> {
  return { address, tls: undefined, db, source: `hubble:${address}`, retentionMs: 0, reportMs: 50, rebalanceMs: 60_000, stallAfterMs: 30_000 };
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function storedConnections(db: string): number {
  const store = openGraphStore({ path: db, access: "read-only" });
  try {
    const t = graphTotals(store, { window: { sinceMs: 0, untilMs: Date.UTC(2100, 0, 1) } });
    return t.connections + t.requests + t.existing;
  } finally {
    store.close();
  }
}

describe.skipIf(!existsSync(WORKER))("the ingest thread", () => {
  const spawn = (workers: Worker[]) => (c: IngestThreadConfig): Worker => {
    const w = new Worker(WORKER, { workerData: c });
    workers.push(w);
    return w;
  };

  it("ingests the stream, reports exact counts, answers for its metrics and stops with everything flushed", async () => {
    const { address, flows, start } = await replay(20_000);
    const db = join(dir, "clean.db");
    const thread = new IngestThread({ config: config(address, db), log, spawn: spawn([]) }).start();
    expect(thread.latest?.stream.status).toBe("connecting");
    await until(() => thread.latest?.stream.status === "connected", "the stream");
    start();
    await until(() => thread.latest?.totals.flows === flows, `${flows} flows`);
    const metrics = (await thread.metricsJson()) as { name: string; values: { value: number }[] }[];
    const received = metrics.find((m) => m.name === "hubble_auditor_flows_received_total");
    expect(received?.values.reduce((n, v) => n + v.value, 0)).toBe(flows);
    expect(metrics.some((m) => m.name === "hubble_auditor_ingest_behind_stream_seconds")).toBe(true);
    await thread.stop();
    const last = thread.latest;
    // Everything received is committed: the writer is not behind the stream head.
    expect(last?.committedFlowTime).toBeDefined();
    expect(behindSeconds(last?.stream.lastFlowTime, last?.committedFlowTime)).toBe(0);
    expect(last?.stream.status).toBe("stopped");
    expect(last?.totals.flows).toBe(flows);
    expect(last?.storedConnections).toBeGreaterThan(0);
    // What the writer reported stored is in the file, and nothing more.
    expect(storedConnections(db)).toBe(last?.storedConnections);
    expect(thread.restarts).toBe(0);
  });

  it("restarts after a crash, resuming from the stored cursor, with the crash counted and totals kept", async () => {
    const { address, flows, start } = await replay(3_000);
    const db = join(dir, "crash.db");
    const workers: Worker[] = [];
    const crashes: Error[] = [];
    const thread = new IngestThread({ config: config(address, db), log, spawn: spawn(workers), restartMs: 50, onCrash: (err) => { crashes.push(err); } }).start();
    await until(() => thread.latest?.stream.status === "connected", "the stream");
    start();
    await until(() => (thread.latest?.storedConnections ?? 0) > 0, "a first flush");
    const before = thread.latest?.totals.flows ?? 0;
    await workers[0]?.terminate();
    await until(() => workers.length === 2 && thread.latest?.stream.status === "connected", "the restarted thread");
    expect(thread.restarts).toBe(1);
    expect(crashes.map((e) => e.message)).toEqual(["the ingest thread exited with code 1"]);
    await until(() => (thread.latest?.totals.flows ?? 0) >= flows, "the rest of the capture");
    expect(thread.latest?.totals.flows).toBeGreaterThanOrEqual(before);
    await thread.stop();
    expect(thread.latest?.storedConnections).toBeGreaterThan(0);
    expect(storedConnections(db)).toBeGreaterThan(0);
  });

  it("cannot run on a database it cannot open: done rejects naming the file, and it is not restarted", async () => {
    const bad = join(dir, "a-directory.db");
    mkdirSync(bad);
    const thread = new IngestThread({ config: config("127.0.0.1:1", bad), log, spawn: spawn([]), restartMs: 10 }).start();
    await expect(thread.done).rejects.toThrow(bad);
    expect(thread.restarts).toBe(0);
  });

  it("a stop before the thread has connected still ends it cleanly", async () => {
    const thread = new IngestThread({ config: config("127.0.0.1:1", join(dir, "early.db")), log, spawn: spawn([]) }).start();
    await thread.stop();
    expect(thread.latest?.stream.status).toBe("stopped");
  });
});

describe("addTotals", () => {
  it("sums counts and per-key records; identities are the current thread's", () => {
    const t = (flows: number, verdict: Record<string, number>, identities: number) => ({
      flows, flowsByVerdict: verdict, connections: flows, newConnections: 1, unknownDirection: 2, requests: 3, droppedConnections: 4,
      identities, lostEvents: 5, lostBySource: { HUBBLE_RING_BUFFER: 5 }, nodeStatusChanges: 6,
    });
    expect(addTotals(t(10, { FORWARDED: 10 }, 7), t(5, { FORWARDED: 3, DROPPED: 2 }, 4))).toEqual({
      flows: 15, flowsByVerdict: { FORWARDED: 13, DROPPED: 2 }, connections: 15, newConnections: 2, unknownDirection: 4, requests: 6,
      droppedConnections: 8, identities: 4, lostEvents: 10, lostBySource: { HUBBLE_RING_BUFFER: 10 }, nodeStatusChanges: 12,
    });
  });
});
