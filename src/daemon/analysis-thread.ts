/**
 * The main thread's handle on the analysis thread: starts it, sends it each audit generation
 * (with the policy model when it changed), forwards API requests and resolves them with the
 * answers, restarts it after a crash, and ends it on stop. It is the API's
 * {@link AnalysisService} in `serve`.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { HttpError } from "../api/index.js";
import type { AnalysisAnswer, AnalysisRequest, AnalysisService, PolicySnapshot } from "../api/index.js";
import { fromAnalysis } from "./analysis-messages.js";
import type { AnalysisThreadConfig, AnswerError, FromAnalysis, GenerationReady, PolicyTransfer, ToAnalysis } from "./analysis-messages.js";

/** Options of {@link AnalysisThread}. */
export interface AnalysisThreadOptions {
  readonly config: Omit<AnalysisThreadConfig, "kind">;
  readonly log: Logger;
  /** Starts a worker; tests pass their own. Default: the built analysis-worker.js beside this module. */
  readonly spawn?: (config: AnalysisThreadConfig) => Worker;
  /** Called after each crash, before the restart. */
  readonly onCrash?: (err: Error) => void;
  /** Called once a restarted thread runs: it holds no generation until the next refresh. */
  readonly onRestart?: () => void;
  /** First wait before a restart, doubling per crash in a row up to 30 s; default 500 ms. */
  readonly restartMs?: number;
}

/** The analysis worker module (compiled JavaScript beside this one). */
export const ANALYSIS_WORKER_URL = new URL("./analysis-worker.js", import.meta.url);

function defaultSpawn(config: AnalysisThreadConfig): Worker {
  return new Worker(ANALYSIS_WORKER_URL, { workerData: config });
}

/** The policy model as the analysis thread takes it. */
function transferOf(snapshot: PolicySnapshot | undefined): PolicyTransfer | null {
  if (snapshot === undefined) return null;
  return { origin: snapshot.origin, parsed: snapshot.parsed, loadedAtMs: snapshot.loadedAtMs, sourceProblems: snapshot.sourceProblems };
}

/** The error an answer stands for: an HttpError for the client, or a plain error for a logged 500. */
function errorOf(error: AnswerError): Error {
  if (!error.internal) return new HttpError(error.status, error.code, error.message, error.parameter);
  const err = new Error(`analysis thread: ${error.message}`);
  if (error.stack !== undefined) err.stack = `analysis thread: ${error.stack}`;
  return err;
}

/** Bodies that crossed the thread boundary as a Uint8Array (a Buffer loses its class). */
function bodyOf(answer: Extract<FromAnalysis, { type: "answer" }>): AnalysisAnswer["body"] {
  const { body } = answer;
  const bytes = typeof body.body === "string" ? body.body : Buffer.from(body.body.buffer, body.body.byteOffset, body.body.byteLength);
  return { type: body.type, body: bytes, ...(body.attachment === undefined ? {} : { attachment: body.attachment }) };
}

interface Pending {
  readonly resolve: (answer: AnalysisAnswer) => void;
  readonly reject: (err: Error) => void;
}

/** The analysis thread, seen from the main thread. */
export class AnalysisThread implements AnalysisService {
  /** Crashes so far (each followed by a restart). */
  restarts = 0;
  private worker: Worker | undefined;
  private published = 0;
  private nextGeneration = 1;
  private nextId = 0;
  private readonly requests = new Map<number, Pending>();
  private readonly refreshes = new Map<number, { resolve: (ready: GenerationReady) => void; reject: (err: Error) => void }>();
  /** The snapshot the thread holds; undefined: none sent yet (a new thread). */
  private sent: { snapshot: PolicySnapshot | undefined } | undefined;
  /** Settles once the current thread has been sent its first refresh (requests queue behind it). */
  private firstRefresh: { sent: Promise<void>; resolve: () => void } | undefined;
  private stopping = false;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AnalysisThreadOptions) {}

  /** Starts the thread; returns this. */
  start(): this {
    this.launch();
    return this;
  }

  /** The last generation the thread has made ready (0 before the first). */
  get generation(): number {
    return this.published;
  }

  /**
   * Starts a new generation with this policy model; resolves when it is ready (audit done,
   * default recommendations computed). Rejects when the thread is down or crashes meanwhile.
   */
  refresh(snapshot: PolicySnapshot | undefined): Promise<GenerationReady> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new Error("the analysis thread is restarting"));
    const generation = this.nextGeneration++;
    const changed = this.sent === undefined || this.sent.snapshot !== snapshot;
    this.sent = { snapshot };
    const ready = new Promise<GenerationReady>((resolve, reject) => {
      this.refreshes.set(generation, { resolve, reject });
      this.send(worker, changed ? { type: "refresh", generation, policies: transferOf(snapshot) } : { type: "refresh", generation });
    });
    this.firstRefresh?.resolve();
    return ready;
  }

  /**
   * Asks the thread; a 503 while it is restarting. A thread that has not been sent its first
   * refresh yet (it holds no policy model) is asked once it has: the answer is the first generation's.
   */
  async respond(request: AnalysisRequest): Promise<AnalysisAnswer> {
    await this.firstRefresh?.sent;
    const worker = this.worker;
    if (worker === undefined) throw new HttpError(503, "analysis-restarting", "the analysis is restarting; retry in a few seconds");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.send(worker, { type: "request", id, request });
    });
  }

  /** Ends the thread (it only reads: nothing is lost); pending requests fail. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.firstRefresh?.resolve();
    if (worker !== undefined) await worker.terminate();
    this.failPending(new HttpError(503, "shutting-down", "the daemon is shutting down"));
  }

  private send(worker: Worker, message: ToAnalysis): void {
    worker.postMessage(message);
  }

  private failPending(err: Error): void {
    for (const p of this.requests.values()) p.reject(err);
    this.requests.clear();
    for (const r of this.refreshes.values()) r.reject(err);
    this.refreshes.clear();
  }

  private launch(): void {
    const { log } = this.options;
    const spawn = this.options.spawn ?? defaultSpawn;
    const worker = spawn({ kind: "analysis-thread", ...this.options.config });
    this.worker = worker;
    this.sent = undefined;
    let resolveSent: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => { resolveSent = resolve; });
    this.firstRefresh = { sent, resolve: resolveSent };
    let failed: string | undefined;
    worker.on("message", (raw: unknown) => {
      const message = fromAnalysis(raw);
      if (message === undefined) return;
      switch (message.type) {
        case "generation": {
          this.published = Math.max(this.published, message.generation);
          this.crashesInARow = 0;
          const waiting = this.refreshes.get(message.generation);
          this.refreshes.delete(message.generation);
          waiting?.resolve(message);
          break;
        }
        case "answer": {
          const p = this.requests.get(message.id);
          this.requests.delete(message.id);
          p?.resolve({ generation: message.generation, body: bodyOf(message) });
          break;
        }
        case "error": {
          const p = this.requests.get(message.id);
          this.requests.delete(message.id);
          p?.reject(errorOf(message.error));
          break;
        }
        case "failed":
          failed = message.message;
          break;
      }
    });
    let crash: Error | undefined;
    worker.on("error", (err) => { crash = err; });
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = undefined;
      // Waiting requests go on and find the thread gone: a 503.
      this.firstRefresh?.resolve();
      if (this.stopping) return;
      const err = crash ?? new Error(failed ?? `the analysis thread exited with code ${code}`);
      this.failPending(new HttpError(503, "analysis-restarting", "the analysis restarted while answering; retry in a few seconds"));
      this.restarts++;
      this.crashesInARow++;
      const waitMs = Math.min(30_000, (this.options.restartMs ?? 500) * 2 ** (this.crashesInARow - 1));
      log.error({ err, restarts: this.restarts, restartInMs: waitMs }, "the analysis thread ended; restarting it");
      this.options.onCrash?.(err);
      this.restartTimer = setTimeout(() => {
        if (this.stopping) return;
        this.launch();
        this.options.onRestart?.();
      }, waitMs);
    });
  }
}
