import { FlowReorderBuffer, FlowSettler } from "../../flows/index.js";
import type { Flow, FlowReorderOptions, FlowSettlerOptions, SettledFlow } from "../../flows/index.js";

/** One input flow with its settled direction and endpoints, at its input position. */
export interface IndexedSettlement {
  readonly index: number;
  readonly settled: SettledFlow;
}

/** Options of {@link settleInInputOrder}: the same ordering and settling ingestion uses. */
export interface SettleOptions {
  readonly order?: FlowReorderOptions;
  readonly settler?: FlowSettlerOptions;
}

/**
 * Settles every flow of a file the way ingestion does (time order within the reorder
 * window, then FlowSettler) and yields the results in input order, so that a per-flow
 * evaluation sees exactly the directions and identities the graph was built from. Memory
 * is bounded by the reorder window and the settler's hold.
 */
export async function* settleInInputOrder(flows: AsyncIterable<Flow>, options: SettleOptions = {}): AsyncGenerator<IndexedSettlement> {
  const reorder = new FlowReorderBuffer(options.order ?? {});
  const settler = new FlowSettler(options.settler);
  const indexOf = new Map<Flow, number>();
  const done = new Map<number, SettledFlow>();
  const emit = (s: SettledFlow): void => {
    const index = indexOf.get(s.input);
    if (index === undefined) throw new Error("settleInInputOrder: a settled flow that was never read");
    indexOf.delete(s.input);
    done.set(index, s);
  };
  const toSettler = (flow: Flow): void => { settler.push(flow, emit); };
  let next = 0;
  let read = 0;
  function* ready(): Generator<IndexedSettlement> {
    for (let s = done.get(next); s !== undefined; s = done.get(next)) {
      done.delete(next);
      yield { index: next, settled: s };
      next++;
    }
  }
  for await (const flow of flows) {
    indexOf.set(flow, read++);
    reorder.push(flow, toSettler);
    yield* ready();
  }
  reorder.drain(toSettler);
  settler.drain(emit);
  yield* ready();
  if (next !== read) throw new Error(`settleInInputOrder: ${read - next} flows left unsettled`);
}
