import type { Timestamp } from "../../flows/index.js";

/**
 * Hands out the timestamps of live-replayed events: evenly spaced at `rate` per second from
 * a start time, strictly increasing, so replayed flows keep the capture's order and no two
 * share a time (content keys of pre-uuid flows include the time).
 */
export class LiveClock {
  private seconds: number;
  private nanos: number;
  private readonly stepNanos: number;

  constructor(startMs: number, rate: number) {
    this.seconds = Math.floor(startMs / 1000);
    this.nanos = Math.round((startMs - this.seconds * 1000) * 1e6);
    this.stepNanos = Math.max(1, Math.round(1e9 / rate));
  }

  /** The next timestamp. */
  next(): Timestamp {
    const time = { seconds: this.seconds, nanos: this.nanos };
    this.nanos += this.stepNanos;
    while (this.nanos >= 1e9) {
      this.nanos -= 1e9;
      this.seconds++;
    }
    return time;
  }
}
