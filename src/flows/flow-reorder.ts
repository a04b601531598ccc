import type { Flow } from "./flow.js";
import { toMillis } from "./flow.js";
import { flowKey } from "./flow-key.js";

/** Options of a {@link FlowReorderBuffer}. */
export interface FlowReorderOptions {
  /** Flows held at most; past it the earliest comes out (default 20000). */
  readonly capacity?: number;
  /**
   * How far behind the newest flow (in flow time, ms) a flow may be held; undefined: no
   * bound but the capacity (files, where only the order matters, not the delay).
   */
  readonly latenessMs?: number;
}

interface Entry {
  readonly flow: Flow;
  /** Position in the input (0 for the first flow pushed). */
  readonly sequence: number;
  readonly seconds: number;
  readonly nanos: number;
  key: string | undefined;
}

/**
 * Puts flows back in time order within a bounded window, so that what is built from them
 * (directions, connections, counts) does not depend on the order they arrived in: Hubble
 * Relay merges nodes' streams by time, but concatenated flow-log files and dumps from
 * several nodes are not sorted. Flows with equal times come out ordered by their content
 * (see flowKey), so any arrival order of the same flows gives the same output order, as
 * long as the window holds them all.
 */
export class FlowReorderBuffer {
  private readonly heap: Entry[] = [];
  private readonly capacity: number;
  private readonly latenessMs: number;
  private newestMs = Number.NEGATIVE_INFINITY;
  private pushed = 0;

  constructor(options: FlowReorderOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? 20_000));
    this.latenessMs = options.latenessMs ?? Number.POSITIVE_INFINITY;
  }

  /** Flows held now. */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Takes one flow; every flow that may come out now is passed to `emit`, earliest first,
   * with its position in the input.
   */
  push(flow: Flow, emit: (flow: Flow, sequence: number) => void): void {
    this.insert({ flow, sequence: this.pushed++, seconds: flow.time.seconds, nanos: flow.time.nanos, key: undefined });
    const at = toMillis(flow.time);
    if (at > this.newestMs) this.newestMs = at;
    while (this.heap.length > this.capacity) this.emitTop(emit);
    if (this.latenessMs !== Number.POSITIVE_INFINITY) this.release(this.newestMs - this.latenessMs, emit);
  }

  /** Visits every held flow, in no particular order. */
  forEachHeld(visit: (flow: Flow) => void): void {
    for (const entry of this.heap) visit(entry.flow);
  }

  /** Emits every held flow at or before `untilMs`, earliest first. */
  release(untilMs: number, emit: (flow: Flow, sequence: number) => void): void {
    for (let top = this.heap[0]; top !== undefined && toMillis(top.flow.time) <= untilMs; top = this.heap[0]) this.emitTop(emit);
  }

  /** Emits everything held, earliest first. */
  drain(emit: (flow: Flow, sequence: number) => void): void {
    while (this.heap.length > 0) this.emitTop(emit);
  }

  private emitTop(emit: (flow: Flow, sequence: number) => void): void {
    const top = this.pop();
    emit(top.flow, top.sequence);
  }

  private insert(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || !before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) throw new Error("FlowReorderBuffer: pop from an empty heap");
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const l = heap[left];
        const r = heap[right];
        const child = r !== undefined && l !== undefined && before(r, l) ? right : left;
        const c = heap[child];
        if (c === undefined || !before(c, last)) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds;
  if (a.nanos !== b.nanos) return a.nanos < b.nanos;
  a.key ??= flowKey(a.flow);
  b.key ??= flowKey(b.flow);
  return a.key < b.key;
}
