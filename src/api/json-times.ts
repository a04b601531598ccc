import { windowToJson } from "../graph/index.js";
import type { EffectiveWindow } from "../graph/index.js";

/** A time in ms since the epoch as RFC 3339. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A window as `{since, until}` in RFC 3339, with its `note` when it is wider than asked. */
export function windowJson(window: EffectiveWindow): { readonly since: string; readonly until: string; readonly note?: string } {
  return windowToJson(window);
}
