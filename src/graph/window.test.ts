import { describe, expect, it } from "vitest";
import { parseDuration, parseTimeBound, resolveWindow } from "./window.js";

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);

describe("parseDuration", () => {
  it.each([
    ["7d", 7 * 86_400_000],
    ["24h", 86_400_000],
    ["90m", 5_400_000],
    ["1h30m", 5_400_000],
    ["2w", 14 * 86_400_000],
    ["45s", 45_000],
    ["7", undefined],
    ["-1h", undefined],
    ["1.5h", undefined],
    ["", undefined],
  ])("%s is %s ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe("parseTimeBound", () => {
  it("reads a duration as that long before now", () => {
    expect(parseTimeBound("24h", NOW)).toEqual({ ok: true, ms: NOW - 86_400_000 });
  });

  it("reads RFC 3339 with an offset and fractions", () => {
    expect(parseTimeBound("2026-01-10T13:00:00.5+01:00", NOW)).toEqual({ ok: true, ms: NOW + 500 });
  });

  it("rejects anything else with the expected forms", () => {
    const result = parseTimeBound("yesterday", NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('got "yesterday"');
  });
});

describe("resolveWindow", () => {
  it("defaults to the last 24 hours", () => {
    expect(resolveWindow({}, NOW)).toEqual({ ok: true, window: { sinceMs: NOW - 86_400_000, untilMs: NOW } });
  });

  it("names the option that is wrong", () => {
    expect(resolveWindow({ since: "1h", until: "2h" }, NOW)).toEqual({
      ok: false, problems: [{ path: "--since", message: "must be before --until" }],
    });
    const bad = resolveWindow({ until: "soon" }, NOW);
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(["--until"]);
  });
});
