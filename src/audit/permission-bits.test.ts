import { describe, expect, it } from "vitest";
import { complementBits, emptyBits, forEachBit, fullBits, hasBit, popcount32, setBit, transpose32 } from "./permission-bits.js";
import { Random } from "./testdata/random-scenario.js";

describe("bit sets", () => {
  it("transposes a 32×32 tile like moving each bit (i, j) to (j, i)", () => {
    const r = new Random(11);
    for (let round = 0; round < 50; round++) {
      const m = Uint32Array.from({ length: 32 }, () => Math.floor(r.next() * 2 ** 32));
      const expected = new Uint32Array(32);
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) if (((m[i] ?? 0) >>> j) & 1) expected[j] = (expected[j] ?? 0) | (1 << i);
      transpose32(m);
      expect([...m]).toEqual([...expected]);
    }
  });

  it.each([
    [0, 0], [1, 1], [0xffffffff, 32], [-1, 32], [0x80000000, 1], [1 << 31, 1], [0x55555555, 16], [0x0f0f00f1, 13],
  ])("counts the bits of %i as %i", (word, bits) => {
    expect(popcount32(word)).toBe(bits);
  });

  it("keeps bits past the size clear in full sets and complements", () => {
    const full = fullBits(33);
    expect([...full]).toEqual([0xffffffff, 1]);
    const one = emptyBits(33);
    setBit(one, 32);
    expect([...complementBits(one, 33)]).toEqual([0xffffffff, 0]);
    expect(hasBit(one, 32) && !hasBit(one, 31)).toBe(true);
  });

  it("visits members in increasing order", () => {
    const bits = emptyBits(70);
    for (const i of [69, 0, 31, 32, 5]) setBit(bits, i);
    const seen: number[] = [];
    forEachBit(bits, (i) => seen.push(i));
    expect(seen).toEqual([0, 5, 31, 32, 69]);
  });
});
