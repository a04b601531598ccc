/** Exponential backoff bounds. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Exponential backoff with ±20% jitter, so that many daemons restarted together do not retry in
 * lockstep against one API server. `reset()` after a success.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next retry; each call doubles the base up to `maxMs`. */
  next(): number {
    const base = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.min(this.options.maxMs, Math.round(base * (0.8 + 0.4 * Math.random())));
  }

  reset(): void {
    this.attempt = 0;
  }
}
