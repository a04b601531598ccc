import { ConnectionTracker, FlowReorderBuffer, IdentityResolver, toMillis } from "../flows/index.js";
import type { Connection, FlowReorderOptions, IdentityResolverStats } from "../flows/index.js";
import { GraphWriter, ResumeFilter, cursorOf, clearHeldTuples, readCursor, readHeldTuples } from "../graph/index.js";
import type { GraphStore, GraphWriterOptions } from "../graph/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import { teeSink } from "../metrics/index.js";
import { runIngestLoop } from "./ingest-loop.js";
import type { FileProgress } from "./file-progress.js";
import type { StreamProgress } from "./stream-progress.js";
import type { IngestSummary } from "./ingest-summary.js";

/** Options of {@link persistFlows}. */
export interface PersistFlowsOptions {
  readonly store: GraphStore;
  /** Name the ingest cursor is stored under (e.g. `file:/abs/path` or `hubble:relay:4245`). */
  readonly source: string;
  /**
   * How far flows may arrive out of time order before the cursor's own flow when the source
   * is read again (see ResumeFilterOptions); 0 for a Hubble stream resumed with `since`.
   */
  readonly reorderMs: number;
  /**
   * How flows are put back in time order before tracking (see FlowReorderBuffer); undefined:
   * taken as they come (a Hubble stream, which Relay sends in time order).
   */
  readonly order?: FlowReorderOptions | undefined;
  readonly summary?: IngestSummary;
  readonly writer?: Omit<GraphWriterOptions, "source">;
  /** Sees each connection batch before the writer does (metrics); undefined: nobody looks. */
  readonly observer?: { accept(connections: readonly Connection[]): void };
  /**
   * A flow-log file's progress: its cursor is stored with each batch and a restart goes on
   * from it (see FileProgress); undefined for a stream or stdin.
   */
  readonly file?: { readonly progress: FileProgress; readonly resuming: boolean };
  /**
   * A Hubble stream's progress: its cursor is stored with each batch and a restart goes on
   * from it (see StreamProgress); `resuming` when it was built from a stored stream cursor.
   */
  readonly stream?: { readonly progress: StreamProgress; readonly resuming: boolean };
  /** Whether a quiet input may have its pending connections flushed now (see IngestLoopOptions.mayIdleFlush). */
  readonly mayIdleFlush?: () => boolean;
}

/** How often a file's cursor is handed over with what was ingested (ms). */
const FILE_HANDOVER_MS = 100;

/** How often a stream's cursor is handed over (ms): it lists the keys of the flows in flight. */
const STREAM_HANDOVER_MS = 250;

/** What {@link persistFlows} did. */
export interface PersistResult {
  readonly writer: GraphWriter;
  /** Flows skipped because a previous run had stored them. */
  readonly skipped: () => number;
  /** What the identity resolver holds and how many entries it evicted to stay bounded. */
  readonly identities: () => IdentityResolverStats;
}

/**
 * Filters out what the graph already holds for `source` and notes lost events. The writer's
 * cursor is advanced by the ingest loop (see {@link persistFlows}).
 */
export async function* resumableBatches(
  batches: AsyncIterable<readonly HubbleEvent[]>,
  writer: GraphWriter,
  filter: ResumeFilter,
): AsyncGenerator<readonly HubbleEvent[]> {
  for await (const batch of batches) {
    const kept: HubbleEvent[] = [];
    for (const event of batch) {
      if (event.kind === "flow") {
        if (!filter.accept(event.flow)) continue;
      } else if (event.kind === "lost-events") {
        if (!filter.acceptAt(event.time)) continue;
        const at = event.time ? toMillis(event.time) : Date.now();
        writer.noteLostEvents(event.nodeName, event.source, event.count, at);
      }
      kept.push(event);
    }
    if (kept.length > 0) yield kept;
  }
}

async function* noteRecords(batches: AsyncIterable<readonly HubbleEvent[]>, progress: FileProgress | StreamProgress): AsyncGenerator<readonly HubbleEvent[]> {
  for await (const batch of batches) yield progress.take(batch);
}

/**
 * Ingests batches of Hubble events into the graph: resume filter, time ordering, connection
 * tracking, the batched writer as the (backpressuring) sink, and a final flush. The writer
 * is closed even when the source fails, so what was read is kept. The cursor stored with
 * each flush is the last flow (in the source's order) that, with everything before it, has
 * left the reorder window for the tracker: every stored count comes from flows at or before
 * it, so a restart after a crash never counts a flow twice, and loses at most what the
 * tracker had not yet flushed (a flow put in time order ahead of one read earlier is the
 * exception: a restart counts it again).
 */
export async function persistFlows(
  batches: AsyncIterable<readonly HubbleEvent[]>,
  options: PersistFlowsOptions,
  onStart?: (result: PersistResult) => void,
): Promise<PersistResult> {
  const file = options.file;
  const stream = options.stream;
  // A file or stream read from its stored cursor is deduplicated by record or flow key
  // (FileProgress, StreamProgress), not by time.
  const resuming = file?.resuming === true || stream?.resuming === true;
  const stored = readCursor(options.store, options.source);
  const filter = new ResumeFilter(resuming ? undefined : stored, { reorderMs: options.reorderMs });
  // Flows read again to rebuild the tracker's state are older than the stored time cursor,
  // which (shown as the committed flow time) never moves back.
  const storedMs = stored === undefined ? Number.NEGATIVE_INFINITY : toMillis(stored.time);
  const writer = new GraphWriter(options.store, { ...options.writer, source: options.source }).start();
  const resolver = new IdentityResolver();
  const result: PersistResult = { writer, skipped: () => filter.skipped + (file?.progress.skipped ?? 0) + (stream?.progress.skipped ?? 0), identities: () => resolver.stats };
  onStart?.(result);
  const progress = file?.progress ?? stream?.progress;
  // With a file or stream cursor, the tracker's held TCP 5-tuples are stored with it and
  // taken back here, so a restart only reads again the seconds around what was in flight.
  const tracker = new ConnectionTracker(resolver, progress ? { originOf: progress.originOf, replay: progress.replay, logHeld: true } : {});
  // Without a cursor to resume (a fresh graph, stdin) tuples of an earlier reading are not its own.
  if (progress && resuming) tracker.restoreHeld(readHeldTuples(options.store, options.source));
  else if (progress) clearHeldTuples(options.store, options.source);
  const reorder = options.order === undefined ? undefined : new FlowReorderBuffer(options.order);
  const input = progress ? noteRecords(batches, progress) : batches;
  const withHeld = (mark: () => void): (() => void) => {
    const held = tracker.takeHeldChanges();
    return () => {
      mark();
      writer.noteHeld(held);
    };
  };
  const handover = file
    ? { intervalMs: FILE_HANDOVER_MS, take: () => withHeld(file.progress.handover(writer, tracker, reorder)) }
    : stream ? { intervalMs: STREAM_HANDOVER_MS, take: () => withHeld(stream.progress.handover(writer, tracker)) } : undefined;
  try {
    await runIngestLoop(resumableBatches(input, writer, filter), {
      tracker, ...(reorder === undefined ? {} : { reorder }), onTracked: (flow) => { if (toMillis(flow.time) >= storedMs) writer.advanceCursor(cursorOf(flow)); },
      sink: options.observer ? teeSink(writer, options.observer) : writer, ...(options.summary ? { summary: options.summary } : {}),
      ...(handover ? { handover } : {}), ...(options.mayIdleFlush ? { mayIdleFlush: options.mayIdleFlush } : {}),
    });
  } finally {
    writer.close();
  }
  return result;
}
