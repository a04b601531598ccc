import type { Timestamp } from "../../flows/index.js";
import type { Capture } from "./capture.js";
import { FlowRate } from "./flow-rate.js";
import { LiveClock } from "./live-clock.js";
import { DEFAULT_RING_CAPACITY, RingBuffer } from "./ring-buffer.js";
import { stamp } from "./wire-stamp.js";

/** Options of a {@link ReplaySource}. */
export interface ReplaySourceOptions {
  /** Live replay speed in events per second; undefined or 0: no live replay. */
  readonly rate?: number;
  /** Start the capture over at its end (fresh timestamps) instead of stopping. */
  readonly loop?: boolean;
  /**
   * Ring capacity; undefined means Hubble's 4095, or the capture's size when larger (and not
   * `liveOnly`), so the whole capture is buffered at start.
   */
  readonly capacity?: number;
  /**
   * With a `rate`: the ring starts empty and holds only what the live replay appends, which
   * begins with the first GetFlows call: the reader meets a node streaming at that rate,
   * with no backlog at the capture's original times and none built up before it connected.
   */
  readonly liveOnly?: boolean;
  /** Wall clock in ms; Date.now when undefined. */
  readonly now?: () => number;
}

const TICK_MS = 10;
// Bounds the work of one timer tick after the event loop stalled; the schedule catches up
// over the following ticks.
const MAX_PER_TICK = 20_000;

/**
 * A modelled Hubble node: a ring buffer that starts holding the capture with its original
 * timestamps, and, with a `rate`, replays the capture live with timestamps rewritten to
 * "now", appending to the ring and waking readers. It outlives gRPC servers, so a server
 * can be killed and restarted over the same buffer (as Relay restarts over its nodes).
 */
export class ReplaySource {
  readonly ring: RingBuffer;
  private readonly listeners = new Set<() => void>();
  private readonly rate = new FlowRate();
  private readonly now: () => number;
  private readonly startedMs: number;
  private timer: NodeJS.Timeout | undefined;
  private seenFlows = 0;
  private liveIndex = 0;
  private liveSent = 0;
  private liveDone = false;
  private readonly liveOnly: boolean;
  /** liveOnly: started, waiting for the first subscriber. */
  private armed = false;

  constructor(
    private readonly capture: Capture,
    private readonly options: ReplaySourceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.startedMs = this.now();
    this.liveOnly = options.liveOnly === true && (options.rate ?? 0) > 0;
    this.ring = new RingBuffer(options.capacity ?? (this.liveOnly ? DEFAULT_RING_CAPACITY : Math.max(DEFAULT_RING_CAPACITY, capture.records.length)));
    if (!this.liveOnly) for (const record of capture.records) this.append(record.bytes, record);
    // A live replay re-stamps every record it sends: split them all now, before the server
    // listens, so that sending only writes the new times.
    if ((options.rate ?? 0) > 0) for (const record of capture.records) record.stampTemplate();
  }

  /** Starts live replay when a rate was given (with `liveOnly`, at the first subscriber). */
  start(): void {
    if (this.liveOnly && this.listeners.size === 0) {
      this.armed = true;
      return;
    }
    this.startLive();
  }

  private startLive(): void {
    this.armed = false;
    const rate = this.options.rate ?? 0;
    if (rate <= 0 || this.timer || this.capture.records.length === 0) return;
    const startMs = this.now();
    const clock = new LiveClock(startMs, rate);
    this.timer = setInterval(() => {
      const due = Math.floor(((this.now() - startMs) * rate) / 1000) - this.liveSent;
      this.replay(Math.min(due, MAX_PER_TICK), clock);
    }, TICK_MS);
    this.timer.unref();
  }

  /** Stops live replay. The buffer keeps its contents. */
  stop(): void {
    this.armed = false;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** True once a non-looping live replay has sent the whole capture. */
  get finished(): boolean {
    return this.liveDone;
  }

  /** Calls `listener` after new events were appended; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.armed) this.startLive();
    return () => this.listeners.delete(listener);
  }

  /** Counters for ServerStatus. */
  status(): { numFlows: number; maxFlows: number; seenFlows: number; uptimeNs: number; flowsRate: number } {
    const now = this.now();
    return {
      numFlows: this.ring.size,
      maxFlows: this.ring.capacity,
      seenFlows: this.seenFlows,
      uptimeNs: Math.round(Math.max(0, now - this.startedMs) * 1e6),
      flowsRate: this.rate.perSecond(now),
    };
  }

  private replay(count: number, clock: LiveClock): void {
    const records = this.capture.records;
    let appended = 0;
    let flows = 0;
    for (let i = 0; i < count && !this.liveDone; i++) {
      const record = records[this.liveIndex];
      if (!record) break;
      const time = clock.next();
      this.append(stamp(record.stampTemplate(), time), { time, isFlow: record.isFlow });
      appended++;
      if (record.isFlow) flows++;
      this.liveSent++;
      this.liveIndex++;
      if (this.liveIndex >= records.length) {
        if (this.options.loop === true) this.liveIndex = 0;
        else this.liveDone = true;
      }
    }
    this.rate.add(flows, this.now());
    if (this.liveDone) this.stop();
    if (appended > 0) for (const listener of this.listeners) listener();
  }

  private append(bytes: Buffer, facts: { readonly time: Timestamp | undefined; readonly isFlow: boolean }): void {
    this.ring.push(bytes, facts.time, facts.isFlow);
    if (facts.isFlow) this.seenFlows++;
  }
}
