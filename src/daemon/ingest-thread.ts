/**
 * The main thread's handle on the ingest thread: starts it, keeps its latest report for
 * status, readiness and summary lines, fetches its metrics for scrapes, restarts it after a
 * crash (with an error logged and counted), and stops it cleanly.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { IngestTotals } from "../ingest/index.js";
import { fromIngest } from "./messages.js";
import type { IngestReport, IngestThreadConfig, ToIngest } from "./messages.js";

/** Options of {@link IngestThread}. */
export interface IngestThreadOptions {
  readonly config: Omit<IngestThreadConfig, "kind">;
  readonly log: Logger;
  /** Starts a worker; tests pass their own. Default: the built ingest-worker.js beside this module. */
  readonly spawn?: (config: IngestThreadConfig) => Worker;
  /** Called after each crash, before the restart. */
  readonly onCrash?: (err: Error) => void;
  /** First wait before a restart, doubling per crash in a row up to `maxRestartMs`; default 500 ms. */
  readonly restartMs?: number;
  readonly maxRestartMs?: number;
}

/** The ingest worker module (compiled JavaScript beside this one). */
export const INGEST_WORKER_URL = new URL("./ingest-worker.js", import.meta.url);

function defaultSpawn(config: IngestThreadConfig): Worker {
  return new Worker(INGEST_WORKER_URL, { workerData: config });
}

function addRecord(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** `a + b` field by field; identities (a distinct count) is b's, the thread running now. */
export function addTotals(a: IngestTotals, b: IngestTotals): IngestTotals {
  const flowsByVerdict = { ...a.flowsByVerdict };
  addRecord(flowsByVerdict, b.flowsByVerdict);
  const lostBySource = { ...a.lostBySource };
  addRecord(lostBySource, b.lostBySource);
  return {
    flows: a.flows + b.flows, flowsByVerdict, connections: a.connections + b.connections, newConnections: a.newConnections + b.newConnections,
    unknownDirection: a.unknownDirection + b.unknownDirection, requests: a.requests + b.requests,
    droppedConnections: a.droppedConnections + b.droppedConnections, identities: b.identities, lostEvents: a.lostEvents + b.lostEvents,
    lostBySource, nodeStatusChanges: a.nodeStatusChanges + b.nodeStatusChanges,
  };
}

const NO_TOTALS: IngestTotals = {
  flows: 0, flowsByVerdict: {}, connections: 0, newConnections: 0, unknownDirection: 0, requests: 0, droppedConnections: 0,
  identities: 0, lostEvents: 0, lostBySource: {}, nodeStatusChanges: 0,
};

/** How long a metrics request waits for the thread before the last answer stands in. */
const METRICS_WAIT_MS = 1_000;

/** The ingest thread, seen from the main thread. */
export class IngestThread {
  /** Crashes so far (each followed by a restart). */
  restarts = 0;
  private worker: Worker | undefined;
  private report: IngestReport | undefined;
  private starting: IngestReport | undefined;
  /** What the threads that ran before the current one (crashed ones) had counted. */
  private before: Pick<IngestReport, "totals" | "skipped" | "storedConnections"> = { totals: NO_TOTALS, skipped: 0, storedConnections: 0 };
  private lastMetrics: unknown = [];
  private nextId = 0;
  private readonly waiting = new Map<number, (json: unknown) => void>();
  private stopping = false;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  /** Settles when the thread has ended for good: resolves after a stop (or a stream that ended), rejects when it cannot run. */
  readonly done: Promise<void>;

  constructor(private readonly options: IngestThreadOptions) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  /** Starts the thread; returns this. */
  start(): this {
    this.starting = {
      type: "report", totals: NO_TOTALS, skipped: 0, storedConnections: 0, committedFlowTime: undefined, atMs: Date.now(),
      stream: { status: "connecting", address: this.options.config.address, lastErrorMessage: undefined, reconnects: 0, lastFlowTime: undefined, lostEvents: {}, paused: false, queued: 0 },
    };
    this.launch();
    return this;
  }

  /**
   * The latest report, its counts summed over restarts; until the thread's first report (it
   * loads its modules and connects), a stream that is connecting; undefined before start.
   */
  get latest(): IngestReport | undefined {
    const r = this.report ?? this.starting;
    if (r === undefined) return undefined;
    const b = this.before;
    return { ...r, totals: addTotals(b.totals, r.totals), skipped: b.skipped + r.skipped, storedConnections: b.storedConnections + r.storedConnections };
  }

  /** The thread's metrics (`Registry.getMetricsAsJSON()`), or the last ones when it does not answer in time. */
  metricsJson(): Promise<unknown> {
    const worker = this.worker;
    if (worker === undefined) return Promise.resolve(this.lastMetrics);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(this.lastMetrics);
      }, METRICS_WAIT_MS);
      this.waiting.set(id, (json) => {
        clearTimeout(timer);
        resolve(json);
      });
      this.send(worker, { type: "metrics", id });
    });
  }

  /** Stops the thread cleanly (stream, tracker, writer flush); ends it at once after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (worker === undefined) {
      this.settle?.resolve();
      return this.done;
    }
    this.send(worker, { type: "stop" });
    const timer = setTimeout(() => {
      this.options.log.warn({ timeoutMs }, "the ingest thread did not stop in time; ending it");
      void worker.terminate();
    }, timeoutMs);
    try {
      await this.done;
    } finally {
      clearTimeout(timer);
    }
  }

  private send(worker: Worker, message: ToIngest): void {
    worker.postMessage(message);
  }

  private launch(): void {
    const { log } = this.options;
    const spawn = this.options.spawn ?? defaultSpawn;
    const worker = spawn({ kind: "ingest-thread", ...this.options.config });
    this.worker = worker;
    let failed: string | undefined;
    let stoppedCleanly = false;
    worker.on("message", (raw: unknown) => {
      const message = fromIngest(raw);
      if (message === undefined) return;
      switch (message.type) {
        case "report":
          this.report = message;
          this.crashesInARow = 0;
          break;
        case "metrics": {
          this.lastMetrics = message.json;
          const answer = this.waiting.get(message.id);
          this.waiting.delete(message.id);
          answer?.(message.json);
          break;
        }
        case "failed":
          failed = message.message;
          break;
        case "stopped":
          stoppedCleanly = true;
          break;
      }
    });
    let crash: Error | undefined;
    worker.on("error", (err) => { crash = err; });
    worker.on("exit", (code) => {
      this.worker = undefined;
      for (const answer of this.waiting.values()) answer(this.lastMetrics);
      this.waiting.clear();
      if (failed !== undefined) {
        this.settle?.reject(new Error(failed));
        return;
      }
      if (this.stopping || stoppedCleanly) {
        if (!stoppedCleanly) log.warn({ code }, "the ingest thread ended before flushing");
        this.settle?.resolve();
        return;
      }
      const err = crash ?? new Error(`the ingest thread exited with code ${code}`);
      this.restarts++;
      this.crashesInARow++;
      const last = this.report;
      if (last !== undefined) {
        // Until the new thread reports: what was counted stays, the stream reconnects.
        this.before = { totals: addTotals(this.before.totals, last.totals), skipped: this.before.skipped + last.skipped, storedConnections: this.before.storedConnections + last.storedConnections };
        this.report = { ...last, totals: NO_TOTALS, skipped: 0, storedConnections: 0, stream: { ...last.stream, status: "reconnecting", lastErrorMessage: `the ingest thread crashed: ${err.message}` } };
      }
      const waitMs = Math.min(this.options.maxRestartMs ?? 30_000, (this.options.restartMs ?? 500) * 2 ** (this.crashesInARow - 1));
      log.error({ err, restarts: this.restarts, restartInMs: waitMs }, "the ingest thread crashed; restarting it (it resumes from the stored cursor)");
      this.options.onCrash?.(err);
      this.restartTimer = setTimeout(() => {
        if (!this.stopping) this.launch();
        else this.settle?.resolve();
      }, waitMs);
    });
  }
}
