/** Options of an {@link EventQueue}. */
export interface EventQueueOptions {
  /** Items held before the producer is told to pause (default 4096). */
  readonly capacity?: number;
  /** Most items handed out in one batch (default 512). */
  readonly maxBatch?: number;
}

/**
 * A bounded hand-over between a push producer (the gRPC stream) and a pull consumer
 * (`for await`). When `capacity` items are waiting, `onFull` pauses the producer; when the
 * consumer has taken the queue below half, `onDrained` resumes it. Nothing is ever dropped:
 * items pushed after pausing (a few may still be in flight) are kept.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  private full = false;
  private wakeScheduled = false;
  readonly capacity: number;
  readonly maxBatch: number;

  constructor(
    private readonly onFull: () => void,
    private readonly onDrained: () => void,
    options: EventQueueOptions = {},
  ) {
    this.capacity = Math.max(1, options.capacity ?? 4096);
    this.maxBatch = Math.max(1, options.maxBatch ?? 512);
  }

  /** Items waiting to be taken. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** True while the producer is paused because the queue is full. */
  get isFull(): boolean {
    return this.full;
  }

  push(item: T): void {
    this.items.push(item);
    if (!this.full && this.length >= this.capacity) {
      this.full = true;
      this.onFull();
    }
    this.wake();
  }

  /** No more items will come; the consumer finishes after taking what is left. */
  end(): void {
    this.ended = true;
    this.wake(true);
  }

  /** Ends the consumer with `err` after what is left has been taken. */
  fail(err: Error): void {
    this.failure ??= err;
    this.end();
  }

  /** Yields batches until the queue is ended and empty; rethrows a failure given to {@link fail}. */
  async *batches(): AsyncGenerator<readonly T[], void, undefined> {
    for (;;) {
      if (this.length === 0) {
        if (this.ended) {
          if (this.failure) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
        continue;
      }
      yield this.take();
    }
  }

  private take(): readonly T[] {
    const end = Math.min(this.items.length, this.head + this.maxBatch);
    const batch = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.full && this.length <= this.capacity / 2) {
      this.full = false;
      this.onDrained();
    }
    return batch;
  }

  /**
   * Wakes a waiting consumer. For pushed items the wake is deferred to `setImmediate`, i.e.
   * until grpc-js has delivered every message of the current socket read: waking on each
   * push would hand the consumer batches of one, and the per-batch async hand-over would
   * then cost more than the messages themselves. End and failure wake at once.
   */
  private wake(now = false): void {
    if (!this.waiter) return;
    if (now) {
      this.release();
      return;
    }
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.release();
    });
  }

  private release(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
