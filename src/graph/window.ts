/** A half-open time window [sinceMs, untilMs) in milliseconds since the epoch. */
export interface TimeWindow {
  readonly sinceMs: number;
  readonly untilMs: number;
}

/**
 * The window an answer covers: the one asked for, or wider where the graph's buckets cut
 * across it (see window-rows.ts). `note` says why it was widened; undefined: it is exactly
 * the window asked for.
 */
export interface EffectiveWindow extends TimeWindow {
  readonly note?: string;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** A duration like `7d`, `24h`, `90m`, `1h30m`, `2w`, `45s` in ms; undefined when not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  return Number.isSafeInteger(total) ? total : undefined;
}

/**
 * A time given as a duration before `nowMs` (`24h` means 24 hours ago) or as an RFC 3339
 * timestamp (`2026-01-01T00:00:00Z`); a message when it is neither.
 */
export function parseTimeBound(text: string, nowMs: number): { ok: true; ms: number } | { ok: false; message: string } {
  const duration = parseDuration(text);
  if (duration !== undefined) return { ok: true, ms: nowMs - duration };
  if (RFC3339.test(text.trim())) {
    const ms = Date.parse(text.trim().toUpperCase().replace(" ", "T"));
    if (Number.isFinite(ms)) return { ok: true, ms };
  }
  return { ok: false, message: `expected a duration such as 24h, 7d, 90m or an RFC 3339 time such as 2026-01-02T15:04:05Z, got "${text}"` };
}

/**
 * The window from `since` (default: `defaultSince` ago) to `until` (default: now). Problems
 * name the option they came from.
 */
export function resolveWindow(
  bounds: { readonly since?: string | undefined; readonly until?: string | undefined },
  nowMs: number,
  defaultSince = "24h",
): { ok: true; window: TimeWindow } | { ok: false; problems: readonly { path: string; message: string }[] } {
  const since = parseTimeBound(bounds.since ?? defaultSince, nowMs);
  const until = bounds.until === undefined ? { ok: true as const, ms: nowMs } : parseTimeBound(bounds.until, nowMs);
  const problems: { path: string; message: string }[] = [];
  if (!since.ok) problems.push({ path: "--since", message: since.message });
  if (!until.ok) problems.push({ path: "--until", message: until.message });
  if (since.ok && until.ok && since.ms >= until.ms) problems.push({ path: "--since", message: "must be before --until" });
  if (problems.length > 0 || !since.ok || !until.ok) return { ok: false, problems };
  return { ok: true, window: { sinceMs: since.ms, untilMs: until.ms } };
}
