import { HOUR_MS } from "./batch-aggregate.js";
import type { EffectiveWindow, TimeWindow } from "./window.js";

/**
 * Which bucket rows a window takes, and how far they make it reach.
 *
 * A bucket row counts the connections (or flows) that began in [bucket, bucket + span), a
 * minute for what ingestion writes and an hour for rolled-up rows and rows of graphs before
 * schema version 4; `first_seen` is the earliest start among them and `last_seen` the latest
 * time any of them was seen (a start is never after it). A row is in a window when its
 * bucket overlaps the window and its traffic may have begun inside it: it is left out when it
 * was last seen before `since` (everything in it began earlier) or first seen at or after
 * `until`. A row that lies wholly inside is exact. A row that may hold traffic on both sides
 * of a bound is taken whole (its counts cannot be split), and the window the answer states
 * reaches out to that row's bucket bound, with a note: with minute rows only the minute at
 * each end can do that; over hour rows, the hour.
 */
export const IN_WINDOW_SQL = (alias: string): string =>
  `${alias}.bucket < @until AND ${alias}.bucket > @since - ${HOUR_MS} AND ${alias}.bucket + ${alias}.span > @since
   AND ${alias}.last_seen >= @since AND ${alias}.first_seen < @until`;

/**
 * Aggregates over the rows of IN_WINDOW_SQL that say how far they reach past the window:
 * `early` the earliest bucket start of rows that began before `since`, `late` the latest
 * bucket end of rows that may have begun at or after `until`, `coarse` the longest span of
 * either kind (0: none).
 */
export const REACH_SQL = (alias: string): string => {
  const before = `${alias}.first_seen < @since`;
  const after = `(${alias}.bucket + ${alias}.span > @until AND ${alias}.last_seen >= @until)`;
  return `min(iif(${before}, ${alias}.bucket, NULL)) AS early, max(iif(${after}, ${alias}.bucket + ${alias}.span, NULL)) AS late,
    max(iif(${before} OR ${after}, ${alias}.span, 0)) AS coarse`;
};

/** The named parameters of IN_WINDOW_SQL and REACH_SQL. */
export function windowBindings(window: TimeWindow): { readonly since: number; readonly until: number } {
  return { since: window.sinceMs, until: window.untilMs };
}

/** How far rows of a window reach past it (see REACH_SQL); null members: nowhere. */
export interface Reach {
  readonly early: number | null;
  readonly late: number | null;
  readonly coarse: number;
}

/** No reach past the window. */
export const NO_REACH: Reach = { early: null, late: null, coarse: 0 };

/** Both reaches together. */
export function widerReach(a: Reach, b: Reach): Reach {
  const min = a.early === null ? b.early : b.early === null ? a.early : Math.min(a.early, b.early);
  const max = a.late === null ? b.late : b.late === null ? a.late : Math.max(a.late, b.late);
  return { early: min, late: max, coarse: Math.max(a.coarse, b.coarse) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The window an answer covers: `asked`, widened by the rows' reach, with a note saying why. */
export function effectiveWindow(asked: TimeWindow, reach: Reach): EffectiveWindow {
  const sinceMs = reach.early === null ? asked.sinceMs : Math.min(asked.sinceMs, reach.early);
  const untilMs = reach.late === null ? asked.untilMs : Math.max(asked.untilMs, reach.late);
  if (sinceMs === asked.sinceMs && untilMs === asked.untilMs) return { sinceMs, untilMs };
  const ends = [sinceMs < asked.sinceMs ? `since ${iso(asked.sinceMs)} to ${iso(sinceMs)}` : "", untilMs > asked.untilMs ? `until ${iso(asked.untilMs)} to ${iso(untilMs)}` : ""]
    .filter((e) => e !== "")
    .join(" and ");
  const why = reach.coarse >= HOUR_MS
    ? "the graph holds traffic there by the hour (older than the minute-resolution period, or stored before minute buckets), and an hour's counts cannot be split"
    : "the graph counts traffic per minute, and a minute's counts cannot be split";
  return { sinceMs, untilMs, note: `widened ${ends}: ${why}` };
}
