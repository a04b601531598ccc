import { describe, expect, it } from "vitest";
import { RingBuffer } from "./ring-buffer.js";

describe("the ring buffer", () => {
  it("keeps the newest entries and numbers every write", () => {
    const ring = new RingBuffer(3);
    for (let i = 0; i < 5; i++) ring.push(Buffer.from([i]), undefined, true);
    expect([ring.oldestSeq, ring.nextSeq, ring.size]).toEqual([2, 5, 3]);
    expect(ring.at(1)).toBeUndefined();
    expect(ring.at(2)?.bytes).toEqual(Buffer.from([2]));
    expect(ring.at(4)?.bytes).toEqual(Buffer.from([4]));
    expect(ring.at(5)).toBeUndefined();
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});
