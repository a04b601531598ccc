import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("doubles from the initial delay within ±20% and never exceeds the maximum", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    const bases = [100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000];
    delays.forEach((delay, i) => {
      const base = bases[i] ?? 0;
      expect(delay).toBeGreaterThanOrEqual(Math.round(base * 0.8));
      expect(delay).toBeLessThanOrEqual(Math.min(1_000, Math.round(base * 1.2)));
    });
  });

  it("starts over after a reset", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 10_000 });
    for (let i = 0; i < 5; i++) backoff.next();
    backoff.reset();
    expect(backoff.next()).toBeLessThanOrEqual(120);
  });
});
