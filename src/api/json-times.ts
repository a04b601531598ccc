import type { TimeWindow } from "../graph/index.js";

/** A time in ms since the epoch as RFC 3339. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A window as `{since, until}` in RFC 3339. */
export function windowJson(window: TimeWindow): { readonly since: string; readonly until: string } {
  return { since: isoTime(window.sinceMs), until: isoTime(window.untilMs) };
}
