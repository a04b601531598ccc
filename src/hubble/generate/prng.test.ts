import { describe, expect, it } from "vitest";
import { Random } from "./prng.js";

describe("Random", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = new Random(42);
    const b = new Random(42);
    const seqA = Array.from({ length: 50 }, () => a.uint32());
    const seqB = Array.from({ length: 50 }, () => b.uint32());
    expect(seqA).toEqual(seqB);
  });

  it("gives neighbouring seeds different sequences", () => {
    expect(new Random(1).uint32()).not.toBe(new Random(2).uint32());
  });

  it("keeps ranges inside their bounds", () => {
    const r = new Random(7);
    for (let i = 0; i < 5000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.between(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
  });

  it("draws version-4 shaped UUIDs", () => {
    const r = new Random(9);
    for (let i = 0; i < 200; i++) {
      expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("draws Kubernetes-style name suffixes", () => {
    expect(new Random(3).suffix(5)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
