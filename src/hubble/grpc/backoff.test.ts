import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

describe("reconnect backoff with full jitter", () => {
  it("doubles the window up to the maximum", () => {
    const top = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it("draws each delay uniformly from the window", () => {
    const half = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([50, 100, 200]);
    const zero = new Backoff({ random: () => 0 });
    expect(zero.next()).toBe(0);
  });

  it("starts over after a reset", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.5 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(50);
  });
});
