import type { Timestamp } from "../../flows/index.js";

/** One buffered event. `seq` numbers every event ever written, so readers can tell what they missed. */
export interface RingEntry {
  readonly seq: number;
  readonly bytes: Buffer;
  readonly time: Timestamp | undefined;
  readonly isFlow: boolean;
}

/** Hubble's default ring capacity (`hubble-event-buffer-capacity`, 2^12 - 1). */
export const DEFAULT_RING_CAPACITY = 4095;

/**
 * A fixed-capacity ring of encoded events, like Hubble's in-memory flow buffer: writing into
 * a full ring overwrites the oldest entry. Readers hold a sequence number; one that points
 * below {@link oldestSeq} has fallen behind and lost `oldestSeq - seq` events.
 */
export class RingBuffer {
  private readonly slots: (RingEntry | undefined)[];
  private next = 0;

  constructor(readonly capacity: number = DEFAULT_RING_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<RingEntry | undefined>(capacity);
  }

  /** Sequence number the next write gets (= events ever written). */
  get nextSeq(): number {
    return this.next;
  }

  /** Sequence number of the oldest entry still held. */
  get oldestSeq(): number {
    return Math.max(0, this.next - this.capacity);
  }

  /** Entries currently held. */
  get size(): number {
    return this.next - this.oldestSeq;
  }

  push(bytes: Buffer, time: Timestamp | undefined, isFlow: boolean): RingEntry {
    const entry = { seq: this.next, bytes, time, isFlow };
    this.slots[this.next % this.capacity] = entry;
    this.next++;
    return entry;
  }

  /** The entry with this sequence number; undefined when it was overwritten or not written yet. */
  at(seq: number): RingEntry | undefined {
    if (seq < this.oldestSeq || seq >= this.next) return undefined;
    return this.slots[seq % this.capacity];
  }
}
