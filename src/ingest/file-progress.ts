import { toMillis } from "../flows/index.js";
import type { ConnectionTracker, Flow, FlowReorderBuffer, TrackerReplay } from "../flows/index.js";
import type { FileCursor, GraphWriter } from "../graph/index.js";
import type { FileIdentity, HubbleEvent, RecordPosition } from "../hubble/index.js";

/**
 * How far back in flow time before the oldest flow still in flight a restart reads again.
 * The tracker's state that reaches furthest back, the TCP 5-tuples it holds for 60 s after
 * their SYN (ConnectionTracker's tcpHoldMs), is stored with each cursor and taken back (see
 * held-tuples.ts); what it keeps for less, connections open to merging (1 s) and flows
 * waiting for their direction (0.5 s), is rebuilt by reading again from the oldest of them.
 * These seconds before that rebuild the evidence learnt from flows that the tracker keeps
 * by count, not by time (which end serves a port, a 5-tuple's direction, an L7 proxy's
 * ends): a flow that Hubble gave no direction for, and that only evidence older than this
 * settles, can be settled differently than in a run without the restart.
 */
export const REREAD_MS = 5_000;

/** Origins pack (file generation, record ordinal): ordinals stay below 2^32. */
const GENERATION = 2 ** 32;

/** A place a restart may read from, with the newest flow time before it. */
interface Mark {
  readonly record: number;
  readonly line: number;
  readonly offset: number | undefined;
  /** Newest flow time (ms) of the records before this one. */
  readonly newestBefore: number;
}

/** Bound on remembered marks (one per batch); the oldest beyond it are forgotten. */
const MAX_MARKS = 8192;

/**
 * Exactly-once ingestion of a flow-log file across restarts.
 *
 * The graph holds what the connection tracker emitted; the tracker itself holds connections
 * still open to merging (1 s), TCP 5-tuples already counted (60 s), flows waiting for their
 * direction, and the reorder window holds flows not tracked yet. A crash loses that state,
 * and a restart that went on after the last stored record would count a connection whose
 * first flows were lost as lost, and the later packets of a counted one as a new one.
 *
 * So each stored batch carries a file cursor (see FileCursor) and the tracker's held TCP
 * 5-tuples: a restart takes the tuples back and reads the file again from a record at least
 * {@link REREAD_MS} of flow time before the oldest flow still in flight, feeding every flow
 * to the tracker so it rebuilds the rest of the state it had.
 * What was already stored is not counted again: up to the cursor's `last` record, a flow is
 * tallied only when it was still in flight (`open`: in the reorder window or waiting for its
 * direction), and a connection is emitted only when the record that began it was in flight
 * or began a connection not emitted yet (`pending`). Beyond `last`, everything counts.
 * The rebuilt state equals the lost one but for the evidence bounded by count (see
 * {@link REREAD_MS}).
 *
 * After a rotation (the path names a new file) the new file is read from its start, and
 * its records are what the cursor then names; a crash right after a rotation loses the
 * old file's connections that were still in flight.
 */
export class FileProgress {
  private readonly origins = new WeakMap<Flow, number>();
  private generation = -1;
  private identity: FileIdentity | undefined;
  private resumed = false;
  private last = -1;
  private newest = Number.NEGATIVE_INFINITY;
  private marks: Mark[] = [];
  private open: ReadonlySet<number> = new Set();
  private pending: ReadonlySet<number> = new Set();
  private storedLast = -1;
  /** Records read again and not counted (they were stored before). */
  skipped = 0;

  /** `stored`: the cursor of the previous run, applied when the file turns out to be the same. */
  constructor(private readonly stored: FileCursor | undefined) {}

  /** Where the reader should start (undefined: at the beginning). */
  get startAt(): { file: FileIdentity; record: number; line: number; offset: number | undefined } | undefined {
    const s = this.stored;
    return s ? { file: s.file, record: s.start.record, line: s.start.line, offset: s.start.offset } : undefined;
  }

  /** The reader opened a file generation; `resumed` when it continues the stored cursor. */
  opened(file: FileIdentity, resumed: boolean): void {
    this.generation++;
    this.identity = file;
    this.last = -1;
    this.marks = [];
    this.resumed = resumed && this.generation === 0 && this.stored !== undefined;
    if (this.resumed && this.stored) {
      this.open = new Set(this.stored.open);
      this.pending = new Set(this.stored.pending);
      this.storedLast = this.stored.last;
    } else {
      this.open = new Set();
      this.pending = new Set();
      this.storedLast = -1;
    }
  }

  /** The record a flow came from, as an origin for the tracker. */
  readonly originOf = (flow: Flow): number | undefined => this.origins.get(flow);

  /** What a resumed read must not count again (see the class comment). */
  readonly replay: TrackerReplay = {
    counts: (origin) => {
      const ordinal = this.storedOrdinal(origin);
      return ordinal === undefined || this.open.has(ordinal);
    },
    emits: (origin) => {
      const ordinal = this.storedOrdinal(origin);
      return ordinal === undefined || this.open.has(ordinal) || this.pending.has(ordinal);
    },
  };

  /**
   * Notes one batch's events before they go to ingestion: names each flow's record and
   * remembers where a restart could start. Returns the events that are new to the graph:
   * lost-event reports already stored are left out (flows all go on, to rebuild state).
   */
  take(batch: readonly HubbleEvent[]): HubbleEvent[] {
    const kept: HubbleEvent[] = [];
    let marked = false;
    for (const event of batch) {
      if (event.kind !== "flow" && event.kind !== "lost-events") {
        kept.push(event);
        continue;
      }
      const position = event.position;
      if (position === undefined || this.identity === undefined) {
        kept.push(event);
        continue;
      }
      if (!marked) {
        this.mark(position);
        marked = true;
      }
      if (position.record > this.last) this.last = position.record;
      if (event.kind === "lost-events") {
        if (this.resumed && position.record <= this.storedLast) {
          this.skipped++;
          continue;
        }
        kept.push(event);
        continue;
      }
      this.origins.set(event.flow, this.generation * GENERATION + position.record);
      const at = toMillis(event.flow.time);
      if (at > this.newest) this.newest = at;
      if (this.resumed && position.record <= this.storedLast && !this.open.has(position.record)) this.skipped++;
      kept.push(event);
    }
    return kept;
  }

  /**
   * The cursor that describes what has been handed to the writer now, given what the
   * tracker and the reorder window still hold; undefined before any record of a file.
   */
  cursor(tracker: ConnectionTracker, reorder: FlowReorderBuffer | undefined): FileCursor | undefined {
    const identity = this.identity;
    if (identity === undefined || this.last < 0) return undefined;
    const open: number[] = [];
    const pending: number[] = [];
    let oldest = this.newest;
    const current = this.generation;
    // A flow in flight now that a previous run already stored (read again to rebuild state)
    // stays stored: open only if its tally is still to come, pending only if its connection is.
    const note = (origin: number | undefined, atMs: number, state: "pending" | "waiting"): void => {
      if (atMs < oldest) oldest = atMs;
      if (origin === undefined || Math.floor(origin / GENERATION) !== current) return;
      if (state === "waiting" && this.replay.counts(origin)) open.push(origin % GENERATION);
      else if (this.replay.emits(origin)) pending.push(origin % GENERATION);
    };
    tracker.forEachInFlight(note);
    reorder?.forEachHeld((flow) => { note(this.origins.get(flow), toMillis(flow.time), "waiting"); });
    const start = this.startBefore(oldest - REREAD_MS);
    if (this.resumed && this.stored && this.last < this.storedLast) {
      // Still reading again what the stored cursor covers: beyond what was read again, the
      // stored cursor's word stands (its start, and what it said was not stored yet).
      for (const n of this.open) if (n > this.last) open.push(n);
      for (const n of this.pending) if (n > this.last) pending.push(n);
      open.sort((a, b) => a - b);
      pending.sort((a, b) => a - b);
      return { file: identity, start: this.stored.start, last: this.storedLast, open, pending };
    }
    open.sort((a, b) => a - b);
    pending.sort((a, b) => a - b);
    return { file: identity, start, last: this.last, open, pending };
  }

  /** Hands the cursor over to the writer (see IngestLoopOptions.handover). */
  handover(writer: GraphWriter, tracker: ConnectionTracker, reorder: FlowReorderBuffer | undefined): () => void {
    const cursor = this.cursor(tracker, reorder);
    return () => {
      if (cursor) writer.advanceFileCursor(cursor);
    };
  }

  private storedOrdinal(origin: number | undefined): number | undefined {
    if (!this.resumed || origin === undefined || origin >= GENERATION) return undefined;
    return origin <= this.storedLast ? origin : undefined;
  }

  private mark(position: RecordPosition): void {
    const previous = this.marks.at(-1);
    if (previous && previous.record >= position.record) return;
    this.marks.push({ record: position.record, line: position.line, offset: position.offset, newestBefore: this.newest });
    if (this.marks.length > MAX_MARKS) this.marks = this.marks.slice(this.marks.length - MAX_MARKS / 2);
  }

  /** The latest mark with every flow before it older than `beforeMs`; the file's start if none. */
  private startBefore(beforeMs: number): { record: number; line: number; offset: number | undefined } {
    let chosen = -1;
    for (let i = this.marks.length - 1; i >= 0; i--) {
      const m = this.marks[i];
      if (m !== undefined && m.newestBefore < beforeMs) {
        chosen = i;
        break;
      }
    }
    if (chosen < 0) {
      const first = this.marks[0];
      // Nothing old enough is remembered: the first mark is where this run began reading.
      return first && first.newestBefore === Number.NEGATIVE_INFINITY ? { record: first.record, line: first.line, offset: first.offset } : { record: 0, line: 1, offset: 0 };
    }
    const m = this.marks[chosen];
    // Marks before the chosen one are never chosen again unless an older flow arrives late.
    if (chosen > 64) this.marks = this.marks.slice(chosen - 64);
    return m ? { record: m.record, line: m.line, offset: m.offset } : { record: 0, line: 1, offset: 0 };
  }
}
