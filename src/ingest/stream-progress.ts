import { flowKey, toMillis } from "../flows/index.js";
import type { ConnectionTracker, Flow, Timestamp, TrackerReplay } from "../flows/index.js";
import type { GraphWriter, KeyedFlow, StreamCursor } from "../graph/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import { REREAD_MS } from "./file-progress.js";

/** How long (flow time) the key of a flow is remembered for the cursor (see forget). */
const REMEMBER_MS = 3000;

interface Seen {
  readonly key: string;
  readonly time: Timestamp;
}

function compare(a: Timestamp, b: Timestamp): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

function minusMs(time: Timestamp, ms: number): Timestamp {
  const totalNanos = time.nanos - Math.round(ms * 1e6);
  const borrow = Math.floor(totalNanos / 1e9);
  return { seconds: time.seconds + borrow, nanos: totalNanos - borrow * 1e9 };
}

/**
 * Exactly-once ingestion of a Hubble stream across restarts of the process (a SIGKILL, a
 * crash, an upgrade): the stream's counterpart of FileProgress, with flows named by their key
 * (uuid, or content key; see flowKey) and time instead of a record ordinal.
 *
 * The tracker holds connections still open to merging, TCP 5-tuples already counted and
 * flows waiting for their direction; a crash loses that state. So each stored batch carries
 * a stream cursor (see StreamCursor) and the held TCP 5-tuples: a restart takes the tuples
 * back, asks the server for the flows `since` a time {@link REREAD_MS} before the oldest
 * flow still in flight, and feeds them all to the tracker so it rebuilds the rest. What was already stored is not
 * counted again: a flow up to the cursor's `last` is tallied only when it was still in flight
 * (`open`), and a connection is emitted only when the flow that began it was in flight or
 * began a connection not written yet (`pending`). Beyond `last`, everything counts.
 *
 * Hubble sends a `since` request in time order (Relay sorts what the nodes send within its
 * buffer window), which is what makes "up to `last`" a question of time. A flow that reached
 * the first run after `last` although older than it (a node whose flows Relay delivered
 * late) is taken as stored on the restart: the price of never counting one twice. When the
 * server no longer holds the flows from `start` (its ring moved on), the state cannot be
 * rebuilt and the connections in flight at the crash are lost, as before.
 */
export class StreamProgress {
  private readonly origins = new WeakMap<Flow, number>();
  private readonly seen = new Map<number, Seen>();
  private next = 0;
  private oldestKept = 0;
  private newest: Timestamp | undefined;
  private readonly keysAtNewest = new Set<string>();
  private readonly open: ReadonlyMap<string, Timestamp>;
  private readonly pending: ReadonlyMap<string, Timestamp>;
  private readonly lastKeys: ReadonlySet<string>;
  /** Flows read again and not counted (a previous run stored them). */
  skipped = 0;

  /** `stored`: the cursor of the previous run; undefined on a fresh graph. */
  constructor(private readonly stored: StreamCursor | undefined) {
    this.open = new Map((stored?.open ?? []).map((f) => [f.key, f.time]));
    this.pending = new Map((stored?.pending ?? []).map((f) => [f.key, f.time]));
    this.lastKeys = new Set(stored?.lastKeys ?? []);
  }

  /** Where a restart asks the server to start (`since`); undefined on a fresh graph. */
  get since(): Timestamp | undefined {
    return this.stored?.start;
  }

  /** The flow an origin stands for, as a tracker origin. */
  readonly originOf = (flow: Flow): number | undefined => this.origins.get(flow);

  /** What a resumed read must not count again (see the class comment). */
  readonly replay: TrackerReplay = {
    counts: (origin) => {
      const seen = this.storedFlow(origin);
      return seen === undefined || this.open.has(seen.key);
    },
    emits: (origin) => {
      const seen = this.storedFlow(origin);
      return seen === undefined || this.open.has(seen.key) || this.pending.has(seen.key);
    },
  };

  /**
   * Notes one batch's events before they go to ingestion. Flows all go on (to rebuild the
   * tracker's state); lost-event reports a previous run stored are left out.
   */
  take(batch: readonly HubbleEvent[]): HubbleEvent[] {
    const kept: HubbleEvent[] = [];
    for (const event of batch) {
      if (event.kind === "lost-events") {
        if (this.stored && event.time && compare(event.time, this.stored.last) <= 0) continue;
        kept.push(event);
        continue;
      }
      if (event.kind !== "flow") {
        kept.push(event);
        continue;
      }
      const flow = event.flow;
      const origin = this.next++;
      const seen = { key: flowKey(flow), time: flow.time };
      this.origins.set(flow, origin);
      this.seen.set(origin, seen);
      this.noteNewest(seen);
      if (this.isStored(seen) && !this.open.has(seen.key)) this.skipped++;
      kept.push(event);
    }
    this.forget();
    return kept;
  }

  /** The cursor that describes what has been handed to the writer now; undefined before any flow. */
  cursor(tracker: ConnectionTracker): StreamCursor | undefined {
    const newest = this.newest;
    if (newest === undefined) return undefined;
    const open: KeyedFlow[] = [];
    const pending: KeyedFlow[] = [];
    let oldest = newest;
    tracker.forEachInFlight((origin, atMs, state) => {
      const seen = origin === undefined ? undefined : this.seen.get(origin);
      if (seen !== undefined && compare(seen.time, oldest) < 0) oldest = seen.time;
      else if (seen === undefined && atMs < toMillis(oldest)) oldest = { seconds: Math.floor(atMs / 1000), nanos: (atMs % 1000) * 1e6 };
      if (seen === undefined) return;
      if (state === "waiting" && this.replay.counts(origin)) open.push(seen);
      else if (this.replay.emits(origin)) pending.push(seen);
    });
    const stored = this.stored;
    if (stored && compare(newest, stored.last) <= 0) {
      // Still reading again what the stored cursor covers: beyond what was read again, its
      // word stands (its start, and what it said was not stored yet).
      for (const [key, time] of this.open) if (compare(time, newest) > 0) open.push({ key, time });
      for (const [key, time] of this.pending) if (compare(time, newest) > 0) pending.push({ key, time });
      return { start: stored.start, last: stored.last, lastKeys: stored.lastKeys, open, pending };
    }
    return { start: minusMs(oldest, REREAD_MS), last: newest, lastKeys: [...this.keysAtNewest], open, pending };
  }

  /** Hands the cursor over to the writer (see IngestLoopOptions.handover). */
  handover(writer: GraphWriter, tracker: ConnectionTracker): () => void {
    const cursor = this.cursor(tracker);
    return () => {
      if (cursor) writer.advanceStreamCursor(cursor);
    };
  }

  private isStored(seen: Seen): boolean {
    const stored = this.stored;
    if (!stored) return false;
    const order = compare(seen.time, stored.last);
    return order < 0 || (order === 0 && this.lastKeys.has(seen.key));
  }

  private storedFlow(origin: number | undefined): Seen | undefined {
    if (!this.stored || origin === undefined) return undefined;
    const seen = this.seen.get(origin);
    return seen !== undefined && this.isStored(seen) ? seen : undefined;
  }

  private noteNewest(seen: Seen): void {
    const order = this.newest === undefined ? 1 : compare(seen.time, this.newest);
    if (order > 0) {
      this.newest = seen.time;
      this.keysAtNewest.clear();
    }
    if (order >= 0) this.keysAtNewest.add(seen.key);
  }

  /**
   * Forgets flows more than {@link REMEMBER_MS} older than the newest: a flow is in flight for
   * at most the tracker's merge window (1 s) and the settler's wait (0.5 s) after it. One that
   * is still in flight when forgotten (flows far out of time order) cannot be named in the
   * cursor; a restart then takes it as stored: lost rather than counted twice.
   */
  private forget(): void {
    if (this.newest === undefined) return;
    const horizon = toMillis(this.newest) - REMEMBER_MS;
    while (this.oldestKept < this.next) {
      const seen = this.seen.get(this.oldestKept);
      if (seen !== undefined && toMillis(seen.time) >= horizon) break;
      this.seen.delete(this.oldestKept);
      this.oldestKept++;
    }
  }
}
