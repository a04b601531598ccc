/**
 * Flows per second over the last minute, from per-second buckets (what Hubble reports as
 * `ServerStatusResponse.flows_rate`).
 */
export class FlowRate {
  private readonly buckets = new Array<number>(60).fill(0);
  private bucketSecond = 0;

  add(count: number, nowMs: number): void {
    this.advance(nowMs);
    const i = this.bucketSecond % 60;
    this.buckets[i] = (this.buckets[i] ?? 0) + count;
  }

  perSecond(nowMs: number): number {
    this.advance(nowMs);
    return this.buckets.reduce((a, b) => a + b, 0) / 60;
  }

  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second <= this.bucketSecond) return;
    const steps = Math.min(60, second - this.bucketSecond);
    for (let s = 1; s <= steps; s++) this.buckets[(this.bucketSecond + s) % 60] = 0;
    this.bucketSecond = second;
  }
}
