/**
 * The ingest thread of `serve`: the Hubble stream, decoding, normalization, connection
 * tracking, the graph writer and retention, on a thread of their own, so nothing the main
 * thread does (API requests, audits, metric scrapes) delays reading the stream. It posts its
 * state and exact cumulative counters to the main thread every `reportMs` and answers
 * requests for its metrics. A `stop` message ends it cleanly: the stream stops, what was read
 * is tracked and flushed, the store closes, then it posts `stopped`.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import type { Logger } from "pino";
import { createRootLogger } from "./logger.js";
import { RetentionRunner, openGraphStore, readCursor, readStreamCursor } from "../graph/index.js";
import type { GraphStore } from "../graph/index.js";
import { ALL_FLOWS, StreamWatch, openFlowStream, serverStatusProbe } from "../hubble/grpc/index.js";
import type { FlowStream, FlowStreamState, StreamChange, StreamHealth } from "../hubble/grpc/index.js";
import { IngestSummary, StreamProgress, persistFlows } from "../ingest/index.js";
import type { PersistResult } from "../ingest/index.js";
import { createMetrics, sqliteFileBytes, tapEvents } from "../metrics/index.js";
import { behindSeconds, isIngestThreadConfig, toIngest } from "./messages.js";
import type { FromIngest, IngestReport, IngestThreadConfig, StreamStateReport } from "./messages.js";

/** Silence after which the stream watch asks Hubble whether the stream is quiet (ms). */
const QUIET_AFTER_MS = 2000;

function streamReport(state: FlowStreamState, health: StreamHealth): StreamStateReport {
  return {
    status: health, address: state.address, lastErrorMessage: state.lastError?.message, reconnects: state.reconnects,
    lastFlowTime: state.lastFlowTime, lostEvents: { ...state.lostEvents }, paused: state.paused, queued: state.queued,
  };
}

/** One log line per outage and recovery, so reconnects and stalls are never silent. */
function logChange(log: Logger, change: StreamChange): void {
  switch (change.kind) {
    case "disconnected":
      log.warn({ error: change.error, reconnects: change.reconnects }, "Hubble stream disconnected; reconnecting with backoff");
      return;
    case "reconnected":
      log.info({ downSeconds: Math.round(change.downMs / 100) / 10, failedAttempts: change.attempts }, "Hubble stream reconnected");
      return;
    case "stalled":
      log.warn({ silentSeconds: Math.round(change.silentMs / 1000), detail: change.detail }, "Hubble stream stalled: connected, but no messages arrive");
      return;
    case "resumed":
      log.info({ stalledSeconds: Math.round(change.stalledMs / 100) / 10 }, "Hubble stream delivers again after a stall");
      return;
    default: {
      const never: never = change;
      throw new Error(`unexpected stream change ${JSON.stringify(never)}`);
    }
  }
}

/** Runs the ingest thread on `port` until a stop message, or the stream, ends it. */
export async function runIngestThread(config: IngestThreadConfig, port: MessagePort): Promise<void> {
  const post = (message: FromIngest): void => { port.postMessage(message); };
  const log = createRootLogger().child({ module: "ingest-thread" });
  let store: GraphStore;
  try {
    store = openGraphStore({ path: config.db });
  } catch (err) {
    post({ type: "failed", message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const metrics = createMetrics({ defaultMetrics: false });
  // Runs with retention 0 too: it rolls minute buckets past the minute-resolution period up into hours.
  const retention = new RetentionRunner(store, { retentionMs: config.retentionMs, onError: (err) => { log.error({ err }, "retention failed"); } }).start();
  // Resume where the stored graph stops: from before the oldest flow still in flight at the
  // last commit, so the tracker rebuilds its state, with what was stored not counted again
  // (StreamProgress); a graph of an older version has only a time cursor, resumed after it.
  // A fresh graph starts with what the server still buffers, not at the stream's tail.
  const streamCursor = readStreamCursor(store, config.source);
  const progress = new StreamProgress(streamCursor);
  const cursor = readCursor(store, config.source);
  const since = progress.since ?? cursor?.time;
  // Refused messages are counted in the stream state (and its metric); a few are logged, then one line per thousand.
  let refused = 0;
  const stream: FlowStream = openFlowStream({
    onRejected: (p) => {
      refused++;
      if (refused <= 5 || refused % 1000 === 0) log.warn({ path: p.path, problem: p.message, rejected: refused }, "skipped an invalid Hubble message");
    },
    address: config.address, ...(config.tls === undefined ? {} : { tls: config.tls }),
    request: { follow: true, ...(since ? { since } : { number: ALL_FLOWS }) },
  });
  const watch = new StreamWatch({
    stallAfterMs: config.stallAfterMs,
    // Asked from 2 s of silence on: pending connections are flushed only once Hubble confirms quiet.
    quietAfterMs: QUIET_AFTER_MS,
    probe: serverStatusProbe({
      address: config.address, ...(config.tls === undefined ? {} : { tls: config.tls }),
      timeoutMs: Math.min(10_000, Math.max(1_000, config.stallAfterMs / 2)),
    }),
    onChange: (change) => { logChange(log, change); },
  });
  let health: StreamHealth = "connecting";
  const summary = new IngestSummary();
  let persisted: PersistResult | undefined;
  const report = (): IngestReport => ({
    type: "report", stream: streamReport(stream.state, health), totals: summary.totals, skipped: persisted?.skipped() ?? 0,
    storedConnections: persisted?.writer.stats.connections ?? 0, committedFlowTime: persisted?.writer.stats.committedTime, atMs: Date.now(),
  });
  const tick = (): void => {
    health = watch.observe(stream.state, Date.now());
    metrics.observeStreamHealth({ stalled: health === "stalled", stalls: watch.stalls, disconnects: watch.disconnects });
    metrics.observeStream(stream.state);
    metrics.observeDbSize(sqliteFileBytes(store.file));
    const r = report();
    metrics.observeBehind(behindSeconds(r.stream.lastFlowTime, r.committedFlowTime));
    post(r);
  };
  const reporter = setInterval(tick, config.reportMs);
  const rebalancer = setInterval(() => { metrics.rebalanceNamespaces(); }, config.rebalanceMs);
  port.on("message", (raw: unknown) => {
    const message = toIngest(raw);
    if (message?.type === "stop") stream.stop();
    else if (message?.type === "metrics") {
      metrics.observeStream(stream.state);
      const { id } = message;
      metrics.registry.getMetricsAsJSON().then(
        (json) => { post({ type: "metrics", id, json }); },
        (err: unknown) => { log.warn({ err }, "cannot collect the ingest thread's metrics"); },
      );
    }
  });
  log.info({ address: config.address, db: store.file, resumeFrom: since }, "ingesting Hubble flows into the graph");
  post(report());
  try {
    // Graceful stop: the stream ends, the loop drains the tracker and the writer flushes.
    // Metrics see every batch received and every connection before the writer takes it.
    await persistFlows(
      tapEvents(stream.batches(), metrics),
      {
        store, source: config.source, reorderMs: 0, summary, observer: metrics,
        stream: { progress, resuming: streamCursor !== undefined }, mayIdleFlush: () => watch.quiet,
        writer: {
          onError: (err) => { log.warn({ err }, "graph flush failed; retrying"); },
          onFlush: (flush) => { metrics.observeWriterFlush(flush); },
        },
      },
      (result) => { persisted = result; },
    );
  } finally {
    clearInterval(reporter);
    clearInterval(rebalancer);
    retention.stop();
    tick();
    store.close();
  }
  post({ type: "stopped" });
}

if (!isMainThread && parentPort !== null && isIngestThreadConfig(workerData)) {
  const port = parentPort;
  runIngestThread(workerData, port).then(
    () => { port.close(); },
    (err: unknown) => {
      port.postMessage({ type: "failed", message: err instanceof Error ? err.message : String(err) } satisfies FromIngest);
      process.exitCode = 1;
      port.close();
    },
  );
}
