/** Reconnect pacing. Defaults: first retry within 1 s, growing to at most 30 s. */
export interface BackoffOptions {
  /** Upper bound of the first delay, in ms (default 1000). */
  readonly initialMs?: number;
  /** Upper bound of any delay, in ms (default 30000). */
  readonly maxMs?: number;
  /** Source of randomness in [0, 1); Math.random when undefined. Tests pass a fixed one. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with "full jitter": the n-th consecutive failure waits a uniformly
 * random time in [0, min(max, initial * 2^n)). Spreading retries over the whole window
 * keeps many auditors from reconnecting to a restarted Relay in lock step.
 */
export class Backoff {
  private failures = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = Math.max(1, options.initialMs ?? 1000);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 30_000);
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt, in ms; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.floor(this.random() * ceiling);
  }

  /** Forgets past failures once a connection has worked. */
  reset(): void {
    this.failures = 0;
  }
}
