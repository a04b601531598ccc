import type { Connection, ConnectionTracker } from "../../flows/index.js";
import type { HubbleEvent } from "../../hubble/index.js";
import type { IngestSummary } from "./ingest-summary.js";

/** Where connection events go (the graph writer, or a counter in tests and benchmarks). */
export interface ConnectionSink {
  /** Takes a batch; a returned promise pauses ingestion until it settles (backpressure). */
  accept(connections: readonly Connection[]): void | Promise<void>;
}

/** Options of {@link runIngestLoop}. */
export interface IngestLoopOptions {
  readonly tracker: ConnectionTracker;
  readonly sink: ConnectionSink;
  readonly summary?: IngestSummary;
  /**
   * When no batch has arrived for this long (ms), pending connections are flushed so a
   * quiet live stream does not hold its last connections back (default 2000; 0 disables).
   */
  readonly idleFlushMs?: number;
}

/**
 * Pulls batches of Hubble events, turns flows into connection events and hands them to the
 * sink, batch by batch. Because the source is pulled, a slow sink slows reading down instead
 * of growing a buffer. At the end of input every pending connection is flushed.
 */
export async function runIngestLoop(batches: AsyncIterable<readonly HubbleEvent[]>, options: IngestLoopOptions): Promise<void> {
  const { tracker, summary } = options;
  const out: Connection[] = [];
  const idleMs = options.idleFlushMs ?? 2000;
  let lastBatch = Date.now();
  // Deliveries are chained so the idle flush and the loop never overlap at the sink.
  let delivering: Promise<void> = Promise.resolve();
  const idleTimer =
    idleMs > 0
      ? setInterval(() => {
          if (Date.now() - lastBatch < idleMs) return;
          const flushed: Connection[] = [];
          tracker.flushPending(flushed);
          if (flushed.length > 0) delivering = delivering.then(() => deliver(flushed, options));
        }, Math.max(50, idleMs / 2))
      : undefined;
  idleTimer?.unref();
  try {
    for await (const batch of batches) {
      lastBatch = Date.now();
      for (const event of batch) {
        summary?.addEvent(event);
        if (event.kind === "flow") tracker.push(event.flow, out);
      }
      if (out.length > 0) {
        const ready = out.splice(0, out.length);
        delivering = delivering.then(() => deliver(ready, options));
        await delivering;
      }
    }
  } finally {
    clearInterval(idleTimer);
  }
  tracker.drain(out);
  delivering = delivering.then(() => deliver(out, options));
  await delivering;
}

async function deliver(batch: readonly Connection[], options: IngestLoopOptions): Promise<void> {
  if (batch.length === 0) return;
  options.summary?.addConnections(batch);
  await options.sink.accept(batch);
}
