/**
 * The analysis thread of `serve`: audits, recommendations, what-if, explain and graph queries
 * on a thread of their own, over a read-only connection to the graph (in WAL mode readers
 * never block the ingest thread's writer, nor it them). The main thread sends a `refresh` per
 * audit generation, with the policy model when it changed; the thread audits, computes the
 * default recommendations ahead of any request, and posts `generation`. API requests arrive as
 * `request` messages and are answered with encoded bodies, so the main thread only sends
 * bytes. Requests come first: they are answered before a pending refresh starts and between
 * its steps (the audit, each default recommendation), so none waits for a whole generation;
 * answers given once a refresh has started belong to the new generation.
 */
import { setPriority } from "node:os";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { Analysis, HttpError, answerAnalysisRequest, defaultRecommendQuery, snapshotOfParsed } from "../api/index.js";
import type { PolicySnapshot } from "../api/index.js";
import { createRootLogger } from "./logger.js";
import { openGraphStore } from "../graph/index.js";
import type { GraphStore } from "../graph/index.js";
import { isAnalysisThreadConfig, toAnalysis } from "./analysis-messages.js";
import type { AnalysisThreadConfig, AnswerError, FromAnalysis, GenerationReady, ToAnalysis } from "./analysis-messages.js";

type RefreshMessage = Extract<ToAnalysis, { type: "refresh" }>;
type RequestMessage = Extract<ToAnalysis, { type: "request" }>;
import { namespaceSummaries } from "./namespace-summaries.js";

/** The recommendation kinds computed ahead of requests, with the API's other defaults. */
const PRECOMPUTED_KINDS = ["both", "cilium", "networkpolicy"] as const;

/** Niceness of the analysis thread: below ingestion, which loses flows for good when it waits. */
const ANALYSIS_NICE = 10;

/**
 * Lowers this thread's CPU priority, so that on a saturated machine the stream and the API
 * win. On Linux, setpriority(PRIO_PROCESS, 0) applies to the calling thread only (threads have
 * their own nice value: setpriority(2), "Bugs"); elsewhere it would slow the whole daemon, so
 * it is left alone there. Lowering needs no privilege; a refusal is only logged.
 */
function lowerPriority(log: { debug: (o: object, m: string) => void }): void {
  if (process.platform !== "linux") return;
  try {
    setPriority(0, ANALYSIS_NICE);
  } catch (err) {
    log.debug({ err }, "cannot lower the analysis thread's priority");
  }
}

function answerError(err: unknown): AnswerError {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, ...(err.parameter === undefined ? {} : { parameter: err.parameter }), internal: false };
  const e = err instanceof Error ? err : new Error(String(err));
  return { status: 500, code: "internal", message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }), internal: true };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs the analysis thread on `port`: answers messages until the port closes. */
export function runAnalysisThread(config: AnalysisThreadConfig, port: MessagePort): void {
  const post = (message: FromAnalysis): void => { port.postMessage(message); };
  const log = createRootLogger().child({ module: "analysis-thread" });
  lowerPriority(log);
  let store: GraphStore;
  try {
    // The main thread has checked and migrated the file already.
    store = openGraphStore({ path: config.db, access: "read-only", check: "none" });
  } catch (err) {
    post({ type: "failed", message: messageOf(err) });
    return;
  }
  let snapshot: PolicySnapshot | undefined;
  let generation = 0;
  const analysis = new Analysis({ store, policies: () => snapshot, now: Date.now, defaultSince: config.defaultSince });

  /**
   * One generation, in steps: the audit, then each default recommendation. Between steps the
   * caller answers the requests that arrived meanwhile, so none waits for more than one step.
   */
  function* refresh(message: RefreshMessage): Generator<void, GenerationReady> {
    const problems: string[] = [];
    if (message.policies === null) snapshot = undefined;
    else if (message.policies !== undefined) {
      const p = message.policies;
      snapshot = snapshotOfParsed(p.parsed, { origin: p.origin, semantics: config.semantics, nowMs: p.loadedAtMs, sourceProblems: p.sourceProblems });
    }
    // From here on, answers are the new generation's (the main thread keeps them once it is ready).
    generation = message.generation;
    const t0 = performance.now();
    let audit: GenerationReady["audit"];
    try {
      const report = analysis.refresh();
      if (report !== undefined) {
        audit = { seconds: (performance.now() - t0) / 1000, findings: report.summary.findings, edges: report.summary.edges, namespaces: namespaceSummaries(report) };
      }
    } catch (err) {
      problems.push(`audit: ${messageOf(err)}`);
      log.error({ err }, "audit failed");
    }
    // The recommendations the API serves by default, so that no request pays for them.
    let precompute = 0;
    for (const kind of PRECOMPUTED_KINDS) {
      yield;
      const t1 = performance.now();
      try {
        analysis.recommend(defaultRecommendQuery(kind));
      } catch (err) {
        problems.push(`recommend ${kind}: ${messageOf(err)}`);
        log.error({ err, kind }, "recommendation failed");
      }
      precompute += performance.now() - t1;
    }
    return { type: "generation", generation, atMs: analysis.asOfMs, audit, precomputeSeconds: precompute / 1000, problems };
  }

  const answer = async (message: RequestMessage): Promise<void> => {
    try {
      const body = await answerAnalysisRequest(analysis, store, message.request);
      post({ type: "answer", id: message.id, generation, body });
    } catch (err) {
      post({ type: "error", id: message.id, error: answerError(err) });
    }
  };
  // Requests go first: each is answered before the next refresh starts and between its steps.
  const requests: RequestMessage[] = [];
  const refreshes: RefreshMessage[] = [];
  let running = false;
  const drain = async (): Promise<void> => {
    for (let r = requests.shift(); r !== undefined; r = requests.shift()) await answer(r);
  };
  const pump = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      await drain();
      for (let next = refreshes.shift(); next !== undefined; next = refreshes.shift()) {
        const steps = refresh(next);
        for (let step = steps.next(); ; step = steps.next()) {
          if (step.done === true) {
            post(step.value);
            break;
          }
          // Let messages that arrived during the step in, then answer them.
          await new Promise((resolve) => { setImmediate(resolve); });
          await drain();
        }
        await drain();
      }
    } catch (err) {
      log.error({ err }, "analysis message failed");
    } finally {
      running = false;
    }
  };
  port.on("message", (raw: unknown) => {
    const message = toAnalysis(raw);
    if (message === undefined) return;
    if (message.type === "refresh") refreshes.push(message);
    else requests.push(message);
    void pump();
  });
  port.on("close", () => { store.close(); });
  log.debug({ db: store.file }, "analysis thread ready");
}

if (!isMainThread && parentPort !== null && isAnalysisThreadConfig(workerData)) {
  runAnalysisThread(workerData, parentPort);
}
