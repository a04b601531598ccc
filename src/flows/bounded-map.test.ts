import { describe, expect, it } from "vitest";
import { BoundedMap } from "./bounded-map.js";

describe("BoundedMap", () => {
  it("keeps an entry that was used since it was stored and forgets an unused one, counting it", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    m.set("c", 3);
    expect(m.get("a")).toBeUndefined();
    expect(m.get("b")).toBe(2);
    m.set("d", 4);
    expect(m.get("c")).toBeUndefined();
    expect(m.get("b")).toBe(2);
    expect(m.get("d")).toBe(4);
    expect(m.size).toBe(2);
    expect(m.evictions).toBe(2);
  });

  it("replacing a key, young or old, does not evict", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    m.set("a", 10);
    expect(m.evictions).toBe(0);
    expect(m.get("a")).toBe(10);
    m.set("c", 3);
    m.set("b", 20);
    expect(m.size).toBe(2);
    expect(m.get("b")).toBe(20);
  });

  it("never holds more than its capacity, whatever the access pattern", () => {
    const m = new BoundedMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      m.set(i % 257, i);
      if (i % 3 === 0) m.get((i * 7) % 257);
      expect(m.size).toBeLessThanOrEqual(100);
    }
    expect(m.evictions).toBeGreaterThan(0);
    // Every entry still held answers with its latest value.
    for (let k = 0; k < 257; k++) {
      const v = m.get(k);
      if (v !== undefined) expect(v % 257).toBe(k);
    }
  });

  it.each([0, -1, 1.5])("refuses capacity %s", (capacity) => {
    expect(() => new BoundedMap(capacity)).toThrow(/positive integer/);
  });
});
