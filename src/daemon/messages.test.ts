import { describe, expect, it } from "vitest";
import { behindSeconds } from "./messages.js";

describe("behindSeconds", () => {
  it("is the flow time from the newest committed flow to the newest received, never negative", () => {
    expect(behindSeconds({ seconds: 100, nanos: 500_000_000 }, { seconds: 98, nanos: 0 })).toBe(2.5);
    // A flow re-ordered behind the cursor does not make the writer ahead of the stream.
    expect(behindSeconds({ seconds: 98, nanos: 0 }, { seconds: 100, nanos: 0 })).toBe(0);
    expect(behindSeconds(undefined, { seconds: 1, nanos: 0 })).toBeUndefined();
    expect(behindSeconds({ seconds: 1, nanos: 0 }, undefined)).toBeUndefined();
  });
});
