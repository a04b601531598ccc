import type { Flow } from "./flow.js";
import { toMillis } from "./flow.js";
import { flowKey } from "./flow-key.js";

/** Options of a {@link FlowDeduper}. */
export interface FlowDeduperOptions {
  /** How far back in flow time keys are remembered, in ms (default 10 s). */
  readonly windowMs?: number;
  /** Upper bound on remembered keys; the oldest are forgotten first (default 200k). */
  readonly maxKeys?: number;
}

/**
 * Drops flows already seen. After a reconnect the stream resumes with `since` slightly
 * before the last flow received, and Hubble re-sends every buffered flow at or after that
 * time; those re-sent flows are recognised by {@link flowKey}. Memory is bounded both by
 * flow time (keys older than the newest flow minus `windowMs` are forgotten) and by count.
 */
export class FlowDeduper {
  private readonly seen = new Map<string, number>();
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private newest = Number.NEGATIVE_INFINITY;
  private dropped = 0;

  constructor(options: FlowDeduperOptions = {}) {
    this.windowMs = options.windowMs ?? 10_000;
    this.maxKeys = options.maxKeys ?? 200_000;
  }

  /** True when the flow is new (and remembers it); false for a duplicate. */
  accept(flow: Flow): boolean {
    return this.acceptKey(flowKey(flow), toMillis(flow.time));
  }

  /** {@link accept} for a flow known by its {@link flowKey} and its time in ms. */
  acceptKey(key: string, at: number): boolean {
    if (this.seen.has(key)) {
      this.dropped++;
      return false;
    }
    if (at > this.newest) this.newest = at;
    this.seen.set(key, at);
    this.evict();
    return true;
  }

  /** Number of duplicates dropped so far. */
  get duplicates(): number {
    return this.dropped;
  }

  /** Number of keys currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  private evict(): void {
    const horizon = this.newest - this.windowMs;
    // Map iteration is insertion order, which is close to flow-time order for a stream.
    for (const [key, at] of this.seen) {
      if (this.seen.size <= this.maxKeys && at >= horizon) break;
      this.seen.delete(key);
    }
  }
}
