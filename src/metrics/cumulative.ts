/**
 * Turns cumulative values (a stream's running totals) into increments for Prometheus
 * counters. A value that goes down means its source restarted (a new stream, a restarted
 * writer): like Prometheus' own counter-reset rule, the new value is then the increment.
 */
export class CumulativeDeltas {
  private readonly last = new Map<string, number>();

  /** The increment since the previous call for `key` (the whole value on the first call). */
  delta(key: string, value: number): number {
    if (!Number.isFinite(value) || value < 0) return 0;
    const previous = this.last.get(key) ?? 0;
    this.last.set(key, value);
    return value >= previous ? value - previous : value;
  }
}
