import type { Connection, FlowCount, HeldChanges, Timestamp } from "../flows/index.js";
import { BatchAggregate } from "./batch-aggregate.js";
import type { IngestCursor } from "./cursor.js";
import type { FileCursor } from "./cursor-file.js";
import type { StreamCursor } from "./cursor-stream.js";
import { GraphStoreError, storeErrorFrom } from "./errors.js";
import { BatchFlusher } from "./flush.js";
import { HeldChangeLog } from "./held-tuples.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/** Options of a {@link GraphWriter}. */
export interface GraphWriterOptions {
  /** Flush at least this often, in ms (default 1000). */
  readonly flushIntervalMs?: number;
  /** Flush as soon as a batch holds this many distinct keys (default 20000). */
  readonly maxKeys?: number;
  /** Name under which the ingest cursor is stored (relay address or file); undefined: no cursor. */
  readonly source?: string;
  /** Hears failed background flushes (they are retried when the database was busy). */
  readonly onError?: (error: GraphStoreError) => void;
  /** Hears each successful flush: connection events written and how long it took (metrics). */
  readonly onFlush?: (flush: { readonly connections: number; readonly durationMs: number }) => void;
}

/** Counters of a writer, for progress lines, logs and metrics. */
export interface GraphWriterStats {
  flushes: number;
  rowsWritten: number;
  connections: number;
  /** Duration of the last flush in ms. */
  lastFlushMs: number;
  /** Flushes that failed (busy database) and were retried. */
  retries: number;
  /** Flow time of the cursor stored by the last flush: everything up to it is committed. */
  committedTime: Timestamp | undefined;
}

const RETRY_MS = 250;

/**
 * Aggregates connection events in memory and writes them to the graph in one transaction
 * per batch: every `flushIntervalMs` or when a batch reaches `maxKeys` distinct keys.
 * Nothing is dropped: while a batch cannot be written (the database is busy) `accept`
 * returns a promise, which pauses the ingest loop and through it the Hubble stream or file.
 * A failure that retrying cannot fix (full disk, read-only or damaged file) makes the next
 * `accept` and `close` throw a {@link GraphStoreError}.
 */
export class GraphWriter {
  private batch = new BatchAggregate();
  private readonly flusher: BatchFlusher;
  private readonly maxKeys: number;
  private readonly intervalMs: number;
  private cursor: IngestCursor | undefined;
  private fileCursor: FileCursor | undefined;
  private streamCursor: StreamCursor | undefined;
  private readonly held = new HeldChangeLog();
  private cursorDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private fatal: GraphStoreError | undefined;
  readonly stats: GraphWriterStats = { flushes: 0, rowsWritten: 0, connections: 0, lastFlushMs: 0, retries: 0, committedTime: undefined };

  constructor(
    private readonly store: GraphStore,
    private readonly options: GraphWriterOptions = {},
  ) {
    this.flusher = new BatchFlusher(dbOf(store));
    this.maxKeys = Math.max(1, options.maxKeys ?? 20_000);
    this.intervalMs = Math.max(10, options.flushIntervalMs ?? 1000);
  }

  /** Starts the periodic flush; returns this. */
  start(): this {
    this.timer ??= setInterval(() => { this.tryFlush(); }, this.intervalMs);
    this.timer.unref();
    return this;
  }

  /**
   * Takes connection events and the flow counts per end variants that came with them (the
   * ingest loop's sink); a promise means "wait": backpressure.
   */
  accept(connections: readonly Connection[], flowCounts: readonly FlowCount[] = []): void | Promise<void> {
    if (this.fatal) throw this.fatal;
    for (const c of connections) this.batch.add(c);
    if (flowCounts.length > 0) this.batch.addFlowCounts(flowCounts);
    if (this.batch.keys < this.maxKeys) return;
    return this.tryFlush() ? yieldToIo() : this.waitForFlush();
  }

  /** Records that every flow up to `cursor` has been handed over; stored with the next flush. */
  advanceCursor(cursor: IngestCursor): void {
    this.cursor = cursor;
    this.cursorDirty = true;
  }

  /**
   * Records where the reading of a flow-log file stands once everything handed over so far
   * is stored; written in the transaction of the next flush (with `source`).
   */
  advanceFileCursor(cursor: FileCursor): void {
    this.fileCursor = cursor;
    this.cursorDirty = true;
  }

  /**
   * Records where the reading of a Hubble stream stands once everything handed over so far
   * is stored; written in the transaction of the next flush (with `source`).
   */
  advanceStreamCursor(cursor: StreamCursor): void {
    this.streamCursor = cursor;
    this.cursorDirty = true;
  }

  /**
   * Records how the connection tracker's held TCP 5-tuples changed up to the cursor handed
   * over with them; applied to the stored copy in the transaction of the next flush.
   */
  noteHeld(changes: HeldChanges): void {
    if (changes.added.length === 0 && changes.expiredThrough === Number.NEGATIVE_INFINITY) return;
    this.held.note(changes);
    this.cursorDirty = true;
  }

  /** Counts events Hubble reported lost (per node and source), stored with the next flush. */
  noteLostEvents(node: string, source: string, count: number, atMs: number): void {
    this.batch.addLost(node, source, count, atMs);
  }

  /** Distinct keys waiting for the next flush. */
  get pendingKeys(): number {
    return this.batch.keys;
  }

  /** Writes what is pending now, in one transaction; throws {@link GraphStoreError}. */
  flush(): void {
    if (this.fatal) throw this.fatal;
    if (this.batch.keys === 0 && !this.cursorDirty) return;
    const started = performance.now();
    const source = this.options.source;
    const cursor = source !== undefined && (this.cursor || this.fileCursor || this.streamCursor || !this.held.empty)
      ? { source, cursor: this.cursor, file: this.fileCursor, stream: this.streamCursor, ...(this.held.empty ? {} : { held: this.held.peek() }) }
      : undefined;
    try {
      this.stats.rowsWritten += this.flusher.flush(this.batch, cursor, this.store.now());
    } catch (err) {
      // The transaction rolled back and the batch is kept: nothing is lost.
      const error = storeErrorFrom(this.store.file, err, "writing a batch");
      if (error.problem !== "busy") this.fatal = error;
      throw error;
    }
    const connections = this.batch.connections;
    const durationMs = performance.now() - started;
    this.stats.connections += connections;
    this.stats.flushes++;
    this.stats.lastFlushMs = durationMs;
    this.batch = new BatchAggregate();
    if (cursor?.held) this.held.clear();
    if (cursor?.cursor !== undefined) this.stats.committedTime = cursor.cursor.time;
    this.cursorDirty = false;
    this.options.onFlush?.({ connections, durationMs });
  }

  /** Stops the timer and writes what is pending. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private tryFlush(): boolean {
    if (this.fatal) return false;
    try {
      this.flush();
      return true;
    } catch (err) {
      const error = err instanceof GraphStoreError ? err : storeErrorFrom(this.store.file, err, "writing a batch");
      this.stats.retries++;
      this.options.onError?.(error);
      return false;
    }
  }

  private async waitForFlush(): Promise<void> {
    for (;;) {
      if (this.fatal) throw this.fatal;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      if (this.tryFlush()) return;
    }
  }
}

// Lets timers and sockets run between large flushes (better-sqlite3 is synchronous).
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
