import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Debouncer } from "./debouncer.js";

describe("Debouncer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once after a burst settles, never inside schedule()", () => {
    let runs = 0;
    const debouncer = new Debouncer(() => runs++, { waitMs: 10, maxWaitMs: 100 });
    debouncer.schedule();
    debouncer.schedule();
    expect(runs).toBe(0);
    vi.advanceTimersByTime(9);
    debouncer.schedule();
    vi.advanceTimersByTime(9);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
  });

  it("runs by the maximum wait under constant churn", () => {
    let runs = 0;
    const debouncer = new Debouncer(() => runs++, { waitMs: 10, maxWaitMs: 30 });
    for (let t = 0; t < 30; t += 5) {
      debouncer.schedule();
      vi.advanceTimersByTime(5);
    }
    expect(runs).toBe(1);
  });

  it("does nothing after cancel()", () => {
    let runs = 0;
    const debouncer = new Debouncer(() => runs++, { waitMs: 10, maxWaitMs: 30 });
    debouncer.schedule();
    debouncer.cancel();
    vi.advanceTimersByTime(100);
    expect(runs).toBe(0);
  });
});
