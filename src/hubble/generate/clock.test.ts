import { describe, expect, it } from "vitest";
import { VirtualClock, formatFraction } from "./clock.js";

describe("formatFraction", () => {
  it.each([
    [0, ""],
    [500_000_000, ".500"],
    [1_000_000, ".001"],
    [531_201_000, ".531201"],
    [465_597_700, ".465597700"],
    [7, ".000000007"],
  ])("renders %i ns as %j, trimmed like protojson", (nanos, text) => {
    expect(formatFraction(nanos)).toBe(text);
  });
});

describe("VirtualClock", () => {
  it("renders RFC 3339 UTC text", () => {
    expect(new VirtualClock(Date.UTC(2024, 10, 22, 4, 6, 57, 531)).text()).toBe("2024-11-22T04:06:57.531Z");
  });

  it("carries nanoseconds into seconds", () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1, 23, 59, 59));
    clock.advance(999_999_999);
    expect(clock.text()).toBe("2026-01-01T23:59:59.999999999Z");
    clock.advance(2);
    expect(clock.text()).toBe("2026-01-02T00:00:00.000000001Z");
  });

  it("ignores steps that are not positive", () => {
    const clock = new VirtualClock(0);
    clock.advance(-5);
    clock.advance(Number.NaN);
    expect(clock.text()).toBe("1970-01-01T00:00:00Z");
  });
});
