import { describe, expect, it } from "vitest";
import type { Flow } from "./flow.js";
import { FlowReorderBuffer } from "./flow-reorder.js";
import { flow } from "./testdata/flow-builder.js";

const T0 = 1_700_000_000_000;

function run(flows: readonly Flow[], options = {}): Flow[] {
  const buffer = new FlowReorderBuffer(options);
  const out: Flow[] = [];
  for (const f of flows) buffer.push(f, (x) => out.push(x));
  buffer.drain((x) => out.push(x));
  return out;
}

describe("FlowReorderBuffer", () => {
  const sorted = [0, 1, 1, 2, 5, 8, 13].map((d, i) => flow({ at: T0 + d, nodeName: `node-${i}` }));

  it("puts any arrival order of the same flows into one time order", () => {
    const expected = run(sorted);
    expect(expected.map((f) => f.time)).toEqual([...sorted].map((f) => f.time));
    const reversed = [...sorted].reverse();
    const shuffled = [sorted[3], sorted[0], sorted[6], sorted[2], sorted[1], sorted[5], sorted[4]].filter((f): f is Flow => f !== undefined);
    expect(run(reversed)).toEqual(expected);
    expect(run(shuffled)).toEqual(expected);
  });

  it("lets the earliest flow out once it holds more than its capacity", () => {
    const buffer = new FlowReorderBuffer({ capacity: 2 });
    const out: Flow[] = [];
    for (const f of [...sorted].reverse()) buffer.push(f, (x) => out.push(x));
    expect(buffer.size).toBe(2);
    expect(out).toHaveLength(sorted.length - 2);
  });

  it("holds no flow longer than its lateness behind the newest", () => {
    const buffer = new FlowReorderBuffer({ latenessMs: 3 });
    const out: Flow[] = [];
    for (const f of sorted) buffer.push(f, (x) => out.push(x));
    // The newest is at +13: everything at or before +10 is out.
    expect(out.map((f) => f.time.nanos / 1e6)).toEqual([0, 1, 1, 2, 5, 8]);
  });
});
