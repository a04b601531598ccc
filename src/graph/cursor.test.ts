import { describe, expect, it } from "vitest";
import type { Flow } from "../flows/index.js";
import { ResumeFilter } from "./cursor.js";

function flow(seconds: number, uuid: string): Flow {
  // Only time and uuid matter to the filter.
  return { time: { seconds, nanos: 0 }, uuid } as Flow; // a partial flow is enough here
}

describe("ResumeFilter", () => {
  const cursor = { time: { seconds: 100, nanos: 0 }, flowKey: "c" };

  it("skips the file up to and including the cursor's flow, even out of time order", () => {
    const filter = new ResumeFilter(cursor, { reorderMs: 60_000 });
    const seq: [number, string][] = [[98, "a"], [101, "b"], [100, "c"], [99, "d"], [102, "e"]];
    expect(seq.map(([s, u]) => filter.accept(flow(s, u)))).toEqual([false, false, false, true, true]);
    expect(filter.skipped).toBe(3);
  });

  it("stops skipping at the first flow past the cursor time when the cursor's flow is gone", () => {
    const filter = new ResumeFilter(cursor);
    expect([flow(99, "x"), flow(100, "y"), flow(101, "z"), flow(100, "w")].map((f) => filter.accept(f))).toEqual([false, false, true, true]);
  });

  it("accepts everything without a cursor", () => {
    expect(new ResumeFilter(undefined).accept(flow(1, "a"))).toBe(true);
  });
});
