/** Timing of a {@link Debouncer}. */
export interface DebounceOptions {
  /** Quiet time after the last `schedule()` before the action runs. */
  readonly waitMs: number;
  /** Longest delay after the first pending `schedule()`, so constant churn cannot starve the action. */
  readonly maxWaitMs: number;
}

/**
 * Runs an action once after a burst of `schedule()` calls settles. The action always runs from a
 * timer, never inside `schedule()`, so callers (informer event handlers) are never blocked by it.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;
  private firstScheduledAt: number | undefined;

  constructor(
    private readonly action: () => void,
    private readonly options: DebounceOptions,
  ) {}

  schedule(): void {
    const now = performance.now();
    this.firstScheduledAt ??= now;
    const remaining = this.firstScheduledAt + this.options.maxWaitMs - now;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firstScheduledAt = undefined;
      this.action();
    }, Math.max(0, Math.min(this.options.waitMs, remaining)));
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.firstScheduledAt = undefined;
  }
}
