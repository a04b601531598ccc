import type { Connection, ConnectionTracker, Flow, FlowCount, FlowReorderBuffer } from "../flows/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import type { IngestSummary } from "./ingest-summary.js";

/** Where connection events go (the graph writer, or a counter in tests and benchmarks). */
export interface ConnectionSink {
  /**
   * Takes a batch of connection events and the flow counts per end variants that came with
   * it; a returned promise pauses ingestion until it settles (backpressure).
   */
  accept(connections: readonly Connection[], flowCounts?: readonly FlowCount[]): void | Promise<void>;
}

/** Options of {@link runIngestLoop}. */
export interface IngestLoopOptions {
  readonly tracker: ConnectionTracker;
  readonly sink: ConnectionSink;
  readonly summary?: IngestSummary;
  /** Puts flows back in time order before tracking (see FlowReorderBuffer); undefined: taken as they come. */
  readonly reorder?: FlowReorderBuffer;
  /**
   * When no batch has arrived for this long (ms), pending connections are flushed so a
   * quiet live stream does not hold its last connections back (default 2000; 0 disables).
   */
  readonly idleFlushMs?: number;
  /**
   * Whether the input is quiet rather than cut off, asked before each idle flush (default:
   * always). A Hubble stream that is reconnecting or frozen is not quiet: flushing then would
   * close connections whose later flows are still to come once it delivers again, and count
   * them as new connections.
   */
  readonly mayIdleFlush?: () => boolean;
  /**
   * Hears, after each batch, the last flow in input order such that it and every flow read
   * before it have reached the tracker (none is still being put in time order): where a
   * restart can resume without losing what the reorder window held.
   */
  readonly onTracked?: (flow: Flow) => void;
  /**
   * Ties what is handed to the sink to a record of how far input went (a file's cursor):
   * outputs are handed over at most every `intervalMs`, each time with the function `take`
   * built at that moment, which is called just before the sink gets them (so a flush never
   * stores outputs without the record that covers them, nor a record ahead of them).
   */
  readonly handover?: { readonly intervalMs: number; readonly take: () => () => void };
}

/** Which input flows have reached the tracker: the watermark of the input order. */
class InputWatermark {
  private low = 0;
  // Flows that came out of the reorder window ahead of an earlier one, by input position.
  private readonly ahead = new Map<number, Flow>();
  /** The flow at the watermark, when it moved since the last take. */
  private moved: Flow | undefined;

  tracked(flow: Flow, sequence: number): void {
    if (sequence !== this.low) {
      this.ahead.set(sequence, flow);
      return;
    }
    this.low++;
    this.moved = flow;
    for (let f = this.ahead.get(this.low); f !== undefined; f = this.ahead.get(this.low)) {
      this.ahead.delete(this.low);
      this.low++;
      this.moved = f;
    }
  }

  take(): Flow | undefined {
    const f = this.moved;
    this.moved = undefined;
    return f;
  }
}

/**
 * Pulls batches of Hubble events, turns flows into connection events and hands them to the
 * sink, batch by batch. Because the source is pulled, a slow sink slows reading down instead
 * of growing a buffer. At the end of input every held flow and pending connection is flushed.
 */
export async function runIngestLoop(batches: AsyncIterable<readonly HubbleEvent[]>, options: IngestLoopOptions): Promise<void> {
  const { tracker, summary, reorder } = options;
  const out: Connection[] = [];
  const watermark = new InputWatermark();
  const track = reorder === undefined ? undefined : (flow: Flow, sequence: number): void => {
    tracker.push(flow, out);
    watermark.tracked(flow, sequence);
  };
  // Without a reorder window the last flow pushed is the watermark.
  let lastPushed: Flow | undefined;
  const noteTracked = (): void => {
    const f = reorder === undefined ? lastPushed : watermark.take();
    lastPushed = undefined;
    if (f !== undefined) options.onTracked?.(f);
  };
  const idleMs = options.idleFlushMs ?? 2000;
  let lastBatch = Date.now();
  let lastHandover = Number.NEGATIVE_INFINITY;
  // Deliveries are chained so the idle flush and the loop never overlap at the sink.
  let delivering: Promise<void> = Promise.resolve();
  const idleTimer =
    idleMs > 0
      ? setInterval(() => {
          if (Date.now() - lastBatch < idleMs || options.mayIdleFlush?.() === false) return;
          const flushed: Connection[] = [];
          if (reorder !== undefined) {
            reorder.drain((flow, sequence) => {
              tracker.push(flow, flushed);
              watermark.tracked(flow, sequence);
            });
          }
          noteTracked();
          tracker.flushPending(flushed);
          flushed.push(...out.splice(0, out.length));
          const counts = tracker.takeFlowCounts();
          const mark = options.handover?.take();
          lastHandover = Date.now();
          if (flushed.length > 0 || counts.length > 0 || mark) delivering = delivering.then(() => deliver(flushed, counts, options, mark));
        }, Math.max(50, idleMs / 2))
      : undefined;
  idleTimer?.unref();
  try {
    for await (const batch of batches) {
      lastBatch = Date.now();
      for (const event of batch) {
        summary?.addEvent(event);
        if (event.kind !== "flow") continue;
        if (reorder === undefined || track === undefined) {
          tracker.push(event.flow, out);
          lastPushed = event.flow;
        } else reorder.push(event.flow, track);
      }
      noteTracked();
      const handover = options.handover;
      if (handover !== undefined && Date.now() - lastHandover < handover.intervalMs) continue;
      const counts = tracker.takeFlowCounts();
      const mark = handover?.take();
      lastHandover = Date.now();
      if (out.length > 0 || counts.length > 0 || mark) {
        const ready = out.splice(0, out.length);
        delivering = delivering.then(() => deliver(ready, counts, options, mark));
        await delivering;
      }
    }
  } finally {
    clearInterval(idleTimer);
  }
  // At the end (of the file, or on a stop) everything in flight is settled and stored: a
  // restart then rebuilds the tracker's state from the file cursor without counting again
  // what this drain stored (see FileProgress).
  if (reorder !== undefined && track !== undefined) reorder.drain(track);
  noteTracked();
  tracker.drain(out);
  const counts = tracker.takeFlowCounts();
  const mark = options.handover?.take();
  delivering = delivering.then(() => deliver(out, counts, options, mark));
  await delivering;
}

async function deliver(batch: readonly Connection[], counts: readonly FlowCount[], options: IngestLoopOptions, mark?: () => void): Promise<void> {
  // Recorded and accepted in one synchronous step: no flush can come between them.
  mark?.();
  if (batch.length === 0 && counts.length === 0) return;
  options.summary?.addConnections(batch);
  await options.sink.accept(batch, counts);
}
