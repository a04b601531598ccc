import { FlowDeduper, flowKey, toMillis } from "../../flows/index.js";
import type { Flow, Timestamp } from "../../flows/index.js";

/**
 * Drops the flows a resumed call re-sends, at almost no cost while nothing was resumed.
 * Duplicates can only be flows no newer than the newest flow received before the resume
 * (anything newer was never received), so the stream keeps just the recent flows (a time
 * window at least as long as the resume overlap) and, on a resume, seeds a
 * {@link FlowDeduper} with those; only flows up to the resume point are checked against it.
 * It keeps each recent flow's key (its uuid when Hubble set one, so usually no new string)
 * and time, never the flow: at tens of thousands of flows per second, the decoded flows of
 * the window would be the largest thing the ingest thread holds.
 */
export class ResumeDeduper {
  private keys: string[] = [];
  private times: number[] = [];
  private head = 0;
  private newestMs = Number.NEGATIVE_INFINITY;
  private active: { readonly deduper: FlowDeduper; readonly untilMs: number } | undefined;
  private dropped = 0;

  /**
   * @param windowMs how long flows are remembered, in flow time; must cover the overlap.
   * @param maxRecent upper bound on remembered flows; past it the oldest are forgotten, and
   *   a resume reaching further back may let duplicates through.
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxRecent = 200_000,
  ) {}

  /** True when the flow is new; false for a re-sent duplicate (counted). */
  accept(flow: Flow): boolean {
    const at = toMillis(flow.time);
    const active = this.active;
    if (active) {
      if (at <= active.untilMs) {
        if (!active.deduper.accept(flow)) {
          this.dropped++;
          return false;
        }
      } else if (at > active.untilMs + this.windowMs) {
        this.active = undefined;
      }
    }
    this.remember(flow, at);
    return true;
  }

  /** A call resumes from `since`; `last` is the newest flow time received before it. */
  resume(since: Timestamp, last: Timestamp): void {
    const sinceMs = toMillis(since);
    const deduper = new FlowDeduper({ windowMs: this.windowMs * 2, maxKeys: this.maxRecent });
    for (let i = this.head; i < this.keys.length; i++) {
      const at = this.times[i] ?? Number.NEGATIVE_INFINITY;
      if (at >= sinceMs) deduper.acceptKey(this.keys[i] ?? "", at);
    }
    this.active = { deduper, untilMs: toMillis(last) };
  }

  /** Duplicates dropped so far. */
  get duplicates(): number {
    return this.dropped;
  }

  private remember(flow: Flow, at: number): void {
    if (at > this.newestMs) this.newestMs = at;
    this.keys.push(flowKey(flow));
    this.times.push(at);
    const horizon = this.newestMs - this.windowMs;
    const length = this.keys.length;
    while (this.head < length) {
      const oldest = this.times[this.head] ?? Number.NEGATIVE_INFINITY;
      if (length - this.head <= this.maxRecent && oldest >= horizon) break;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > length) {
      this.keys = this.keys.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
