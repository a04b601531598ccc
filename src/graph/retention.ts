import type Database from "better-sqlite3";
import { HOUR_MS, MINUTE_MS } from "./batch-aggregate.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/** Options of retention; `limit` bounds the rows of one small transaction. */
export interface RetentionOptions {
  /** Keep this much history, in ms; 0 keeps everything (minute rows are still rolled up). */
  readonly retentionMs: number;
  /**
   * Keep minute buckets this long (default {@link MINUTE_RESOLUTION_MS}); older whole hours
   * are rolled up into hour buckets, and windows over them are answered by the hour.
   */
  readonly minuteResolutionMs?: number;
  /**
   * Look for minute rows to roll up from this time on only (ms); undefined: from the start.
   * The daemon's runner scans everything once, then only what became old since its last run,
   * so a step does not read every hour row of the retained history again.
   */
  readonly rollUpFromMs?: number;
  /** Edges (with their buckets) or other rows per transaction (default 500). */
  readonly limit?: number;
}

/**
 * How long minute buckets are kept by default. A busy edge has up to 60 minute rows per hour
 * and outcome where it had one hour row: a day of them costs about as much storage as two
 * and a half weeks of hour rows, and recent traffic is what narrow windows ask about.
 */
export const MINUTE_RESOLUTION_MS = 86_400_000;

// A bucket has ended before the cutoff when bucket + span <= cutoff; `bucket < @cutoff` lets
// the buckets' index find the candidates.
const ENDED = "bucket < @cutoff AND bucket + span <= @cutoff";

// Each statement deletes a bounded slice; `@cutoff` is the cutoff (ms), `@limit` the limit.
const STEPS: readonly string[] = [
  // Flow counts of the edges whose old buckets go next (found through the buckets' index;
  // the counts have none of their own, to keep ingestion cheap), before the buckets.
  `DELETE FROM edge_variants WHERE ${ENDED}
     AND edge_id IN (SELECT DISTINCT edge_id FROM edge_buckets WHERE ${ENDED} LIMIT @limit)`,
  // Buckets that ended before the cutoff, a bounded number of edges at a time.
  `DELETE FROM edge_buckets WHERE ${ENDED}
     AND edge_id IN (SELECT DISTINCT edge_id FROM edge_buckets WHERE ${ENDED} LIMIT @limit)`,
  `DELETE FROM edge_samples WHERE (edge_id, verdict, slot) IN
     (SELECT edge_id, verdict, slot FROM edge_samples WHERE time < @cutoff LIMIT @limit)`,
  `DELETE FROM edge_http WHERE (edge_id, method, path) IN
     (SELECT edge_id, method, path FROM edge_http WHERE last_seen < @cutoff LIMIT @limit)`,
  `DELETE FROM edge_dns WHERE (edge_id, query) IN (SELECT edge_id, query FROM edge_dns WHERE last_seen < @cutoff LIMIT @limit)`,
  `DELETE FROM lost_events WHERE (node, source, bucket, span) IN
     (SELECT node, source, bucket, span FROM lost_events WHERE bucket + span <= @cutoff LIMIT @limit)`,
  // Variants not seen for an hour and a minute before the cutoff: every flow count naming
  // them has ended before the cutoff and goes. (A variant's last_seen is raised at most once
  // a minute, and a flow count is kept in its minute or, rolled up, in its hour.)
  `DELETE FROM variants WHERE id IN (SELECT id FROM variants WHERE last_seen < @cutoff - ${HOUR_MS + MINUTE_MS} LIMIT @limit)`,
  // Flow counts of edges last seen before the cutoff that have no bucket left (hours that
  // held only flow counts), then those edges, then identities no edge refers to any more.
  `DELETE FROM edge_variants WHERE edge_id IN (SELECT e.id FROM edges e WHERE e.last_seen < @cutoff
     AND NOT EXISTS (SELECT 1 FROM edge_buckets b WHERE b.edge_id = e.id) LIMIT @limit)`,
  `DELETE FROM edges WHERE id IN (SELECT e.id FROM edges e WHERE e.last_seen < @cutoff
     AND NOT EXISTS (SELECT 1 FROM edge_buckets b WHERE b.edge_id = e.id) LIMIT @limit)`,
  `DELETE FROM identities WHERE id IN (SELECT i.id FROM identities i WHERE i.last_seen < @cutoff
     AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.source_id = i.id)
     AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.destination_id = i.id) LIMIT @limit)`,
];

// Roll-up of the minute rows of whole hours that began before `@before` into hour rows, for
// the edges in `@edges` (a JSON array of ids): the sums go into the hour row of the same key
// (added to it when the hour has one already, as when late traffic arrived after an earlier
// roll-up), then the minute rows go. Counts add up; first_seen/last_seen are the minimum and
// maximum, so the hour row says what its minutes said.
const ROLLUP = {
  edges: `SELECT DISTINCT edge_id FROM edge_buckets WHERE bucket >= @from AND bucket < @before AND span < ${HOUR_MS} LIMIT @limit`,
  buckets: `INSERT INTO edge_buckets (edge_id, bucket, span, kind, verdict, drop_reason, egress, ingress, count, events, first_seen, last_seen)
      SELECT edge_id, bucket - bucket % ${HOUR_MS}, ${HOUR_MS}, kind, verdict, drop_reason, egress, ingress, sum(count), sum(events), min(first_seen), max(last_seen)
      FROM edge_buckets WHERE edge_id IN (SELECT value FROM json_each(@edges)) AND bucket < @before AND span < ${HOUR_MS}
      GROUP BY edge_id, bucket - bucket % ${HOUR_MS}, kind, verdict, drop_reason, egress, ingress
    ON CONFLICT (edge_id, bucket, span, kind, verdict, drop_reason, egress, ingress) DO UPDATE SET
      count = count + excluded.count, events = events + excluded.events,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  bucketsDelete: `DELETE FROM edge_buckets WHERE edge_id IN (SELECT value FROM json_each(@edges)) AND bucket < @before AND span < ${HOUR_MS}`,
  // Every minute of flow counts has a bucket row of its edge (see BatchAggregate.markBucket),
  // so the edges found through the buckets' index are those with minute flow counts too.
  variants: `INSERT INTO edge_variants (edge_id, bucket, span, source_variant, destination_variant, forwarded, l7, audited, dropped, first_seen, last_seen)
      SELECT edge_id, bucket - bucket % ${HOUR_MS}, ${HOUR_MS}, source_variant, destination_variant, sum(forwarded), sum(l7), sum(audited), sum(dropped), min(first_seen), max(last_seen)
      FROM edge_variants WHERE edge_id IN (SELECT value FROM json_each(@edges)) AND bucket < @before AND span < ${HOUR_MS}
      GROUP BY edge_id, bucket - bucket % ${HOUR_MS}, source_variant, destination_variant
    ON CONFLICT (edge_id, bucket, span, source_variant, destination_variant) DO UPDATE SET
      forwarded = forwarded + excluded.forwarded, l7 = l7 + excluded.l7, audited = audited + excluded.audited, dropped = dropped + excluded.dropped,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  variantsDelete: `DELETE FROM edge_variants WHERE edge_id IN (SELECT value FROM json_each(@edges)) AND bucket < @before AND span < ${HOUR_MS}`,
  // Lost events: one row per node, source and minute, few enough to roll up at once.
  lost: `INSERT INTO lost_events (node, source, bucket, span, count)
      SELECT node, source, bucket - bucket % ${HOUR_MS}, ${HOUR_MS}, sum(count) FROM lost_events WHERE bucket >= @from AND bucket < @before AND span < ${HOUR_MS}
      GROUP BY node, source, bucket - bucket % ${HOUR_MS}
    ON CONFLICT (node, source, bucket, span) DO UPDATE SET count = count + excluded.count`,
  lostDelete: `DELETE FROM lost_events WHERE bucket >= @from AND bucket < @before AND span < ${HOUR_MS}`,
} as const;

/**
 * Rolls up every minute row before `before` of at most `limit` edges that have one in
 * [from, before), and the lost-event minutes of [from, before); returns the rows removed.
 */
function rollUp(db: Database.Database, range: { readonly from: number; readonly before: number }, limit: number): number {
  const { from, before } = range;
  const edges = JSON.stringify(db.prepare(ROLLUP.edges).pluck().all({ from, before, limit }));
  let removed = 0;
  if (edges !== "[]") {
    db.prepare(ROLLUP.buckets).run({ before, edges });
    removed += db.prepare(ROLLUP.bucketsDelete).run({ before, edges }).changes;
    db.prepare(ROLLUP.variants).run({ before, edges });
    removed += db.prepare(ROLLUP.variantsDelete).run({ before, edges }).changes;
  }
  db.prepare(ROLLUP.lost).run({ from, before });
  return removed + db.prepare(ROLLUP.lostDelete).run({ from, before }).changes;
}

/** Start of the earliest hour whose minutes are kept at `nowMs`: whole hours before it are rolled up. */
export function rollUpBefore(nowMs: number, options: Pick<RetentionOptions, "minuteResolutionMs">): number {
  // Whole hours only: an hour that is partly within the period keeps its minutes.
  return Math.floor((nowMs - (options.minuteResolutionMs ?? MINUTE_RESOLUTION_MS)) / HOUR_MS) * HOUR_MS;
}

/**
 * One small retention transaction: rolls up minute buckets of whole hours older than
 * `nowMs - minuteResolutionMs` into hour buckets, then deletes at most a slice of what is
 * older than `nowMs - retentionMs` (when retentionMs > 0), and returns the rows rolled up or
 * deleted (0 when nothing is left to do). An edge goes once all its buckets have gone; an
 * identity once no edge refers to it. L7 rows and samples go when last seen before the
 * cutoff, which may leave an edge without them while its recent buckets remain.
 */
export function retentionStep(store: GraphStore, nowMs: number, options: RetentionOptions): number {
  const db = dbOf(store);
  const limit = Math.max(1, Math.floor(options.limit ?? 500));
  const range = { from: options.rollUpFromMs ?? Number.MIN_SAFE_INTEGER, before: rollUpBefore(nowMs, options) };
  return db.transaction(() => {
    const rolled = rollUp(db, range, limit);
    if (rolled > 0 || options.retentionMs <= 0) return rolled;
    const cutoff = Math.floor(nowMs - options.retentionMs);
    for (const sql of STEPS) {
      const deleted = db.prepare(sql).run({ cutoff, limit }).changes;
      // Later steps depend on earlier ones being finished (edges without buckets).
      if (deleted > 0) return deleted;
    }
    return 0;
  })();
}

/** Runs retention steps until nothing old is left; returns the rows deleted. For tests and the CLI. */
export function runRetention(store: GraphStore, nowMs: number, options: RetentionOptions): number {
  let total = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const deleted = retentionStep(store, nowMs, options);
    if (deleted === 0) break;
    total += deleted;
  }
  return total;
}

/**
 * Background retention and roll-up for the daemon: every `intervalMs` it runs small transactions one
 * after another, yielding to other work (ingestion, queries) between them, until nothing
 * is left to delete.
 */
export class RetentionRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** Rows deleted (or rolled up) so far. */
  deleted = 0;
  // Where the next run looks for minute rows from: undefined until a run has scanned everything.
  private rollUpFromMs: number | undefined;

  constructor(
    private readonly store: GraphStore,
    private readonly options: RetentionOptions & {
      readonly intervalMs?: number;
      readonly now?: () => number;
      readonly onError?: (err: unknown) => void;
    },
  ) {}

  /** Starts the periodic runs (the first one right away). */
  start(): this {
    if (this.timer) return this;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
    void this.runOnce();
    return this;
  }

  /** Runs until nothing old is left, one small transaction per turn of the event loop. */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    try {
      const now = (this.options.now ?? Date.now)();
      const options = this.rollUpFromMs === undefined ? this.options : { ...this.options, rollUpFromMs: this.rollUpFromMs };
      for (;;) {
        if (this.stopped) return total;
        const deleted = retentionStep(this.store, now, options);
        if (deleted === 0) break;
        total += deleted;
        await new Promise((resolve) => setImmediate(resolve));
      }
      // Done up to this run's bound; an hour's margin takes in minutes written late into it.
      this.rollUpFromMs = rollUpBefore(now, this.options) - HOUR_MS;
    } catch (err) {
      this.options.onError?.(err);
    } finally {
      this.running = false;
      this.deleted += total;
    }
    return total;
  }

  /** Stops the periodic runs; a run in progress ends after its current transaction. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
