import { describe, expect, it } from "vitest";
import type { FlowsQuery } from "./flows-query.js";
import { planRead } from "./read-plan.js";
import { RingBuffer } from "./ring-buffer.js";

// A ring of 8 entries (capacity 6 after 8 writes: seq 2..7 held): flows at seconds 2..7,
// except seq 4, a lost-events notice.
function ring(): RingBuffer {
  const r = new RingBuffer(6);
  for (let seq = 0; seq < 8; seq++) r.push(Buffer.alloc(0), { seconds: seq, nanos: 0 }, seq !== 4);
  return r;
}

const base: FlowsQuery = { number: 0, first: false, follow: false, since: undefined, until: undefined, filterCount: 0 };

describe("planning a GetFlows read like Hubble's local observer", () => {
  it.each<[string, Partial<FlowsQuery>, { start: number; end: number | undefined; maxFlows: number }]>([
    ["number 0 reads the whole buffer", {}, { start: 2, end: 8, maxFlows: 0 }],
    ["number N reads the last N flows", { number: 2 }, { start: 6, end: 8, maxFlows: 2 }],
    ["a lost-events notice does not count toward number", { number: 4 }, { start: 3, end: 8, maxFlows: 4 }],
    ["number beyond the buffer starts at the oldest entry", { number: 100 }, { start: 2, end: 8, maxFlows: 100 }],
    ["first reads the oldest N", { first: true, number: 2 }, { start: 2, end: 8, maxFlows: 2 }],
    ["since starts at the first flow not older than since", { since: { seconds: 6, nanos: 0 } }, { start: 6, end: 8, maxFlows: 0 }],
    ["since keeps a lost-events notice right after the older flow", { since: { seconds: 5, nanos: 0 } }, { start: 4, end: 8, maxFlows: 0 }],
    ["since between two flows starts after the older one", { since: { seconds: 3, nanos: 1 } }, { start: 4, end: 8, maxFlows: 0 }],
    ["since wins over number for the start, number still caps", { since: { seconds: 3, nanos: 0 }, number: 2 }, { start: 3, end: 8, maxFlows: 2 }],
    ["since before the buffer starts at the oldest entry", { since: { seconds: 0, nanos: 0 } }, { start: 2, end: 8, maxFlows: 0 }],
    ["since after the newest flow sends nothing", { since: { seconds: 9, nanos: 0 } }, { start: 8, end: 8, maxFlows: 0 }],
    ["follow without number starts now", { follow: true }, { start: 8, end: undefined, maxFlows: 0 }],
    ["follow with number starts at the last N and does not stop", { follow: true, number: 2 }, { start: 6, end: undefined, maxFlows: 0 }],
    ["follow with since starts at since", { follow: true, since: { seconds: 6, nanos: 0 } }, { start: 6, end: undefined, maxFlows: 0 }],
  ])("%s", (_name, query, expected) => {
    expect(planRead(ring(), { ...base, ...query })).toMatchObject(expected);
  });

  it("passes until through to the reader", () => {
    expect(planRead(ring(), { ...base, until: { seconds: 4, nanos: 0 } }).until).toEqual({ seconds: 4, nanos: 0 });
  });
});
