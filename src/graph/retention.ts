import { BUCKET_MS } from "./batch-aggregate.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/** Options of retention; `limit` bounds the rows of one small transaction. */
export interface RetentionOptions {
  /** Keep this much history, in ms. */
  readonly retentionMs: number;
  /** Edges (with their buckets) or other rows per transaction (default 500). */
  readonly limit?: number;
}

// Each statement deletes a bounded slice; `@cutoff` is the cutoff (ms), `@limit` the limit.
const STEPS: readonly string[] = [
  // Whole hours that ended before the cutoff, a bounded number of edges at a time.
  `DELETE FROM edge_buckets WHERE bucket <= @cutoff - ${BUCKET_MS}
     AND edge_id IN (SELECT DISTINCT edge_id FROM edge_buckets WHERE bucket <= @cutoff - ${BUCKET_MS} LIMIT @limit)`,
  // Flow counts of the edges whose old hours go next (found through the buckets' index;
  // the counts have none of their own, to keep ingestion cheap), then before the buckets.
  `DELETE FROM edge_variants WHERE bucket <= @cutoff - ${BUCKET_MS}
     AND edge_id IN (SELECT DISTINCT edge_id FROM edge_buckets WHERE bucket <= @cutoff - ${BUCKET_MS} LIMIT @limit)`,
  `DELETE FROM edge_samples WHERE (edge_id, verdict, slot) IN
     (SELECT edge_id, verdict, slot FROM edge_samples WHERE time < @cutoff LIMIT @limit)`,
  `DELETE FROM edge_http WHERE (edge_id, method, path) IN
     (SELECT edge_id, method, path FROM edge_http WHERE last_seen < @cutoff LIMIT @limit)`,
  `DELETE FROM edge_dns WHERE (edge_id, query) IN (SELECT edge_id, query FROM edge_dns WHERE last_seen < @cutoff LIMIT @limit)`,
  `DELETE FROM lost_events WHERE (node, source, bucket) IN
     (SELECT node, source, bucket FROM lost_events WHERE bucket <= @cutoff - ${BUCKET_MS} LIMIT @limit)`,
  // Variants not seen since the cutoff: every flow count naming them is older and gone.
  `DELETE FROM variants WHERE id IN (SELECT id FROM variants WHERE last_seen < @cutoff LIMIT @limit)`,
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

/**
 * One small retention transaction: deletes at most a slice of what is older than
 * `nowMs - retentionMs` and returns the rows deleted (0 when nothing is left to delete).
 * An edge goes once all its hour buckets have gone; an identity once no edge refers to it.
 * L7 rows and samples go when last seen before the cutoff, which may leave an edge without
 * them while its recent buckets remain.
 */
export function retentionStep(store: GraphStore, nowMs: number, options: RetentionOptions): number {
  const db = dbOf(store);
  const cutoff = Math.floor(nowMs - options.retentionMs);
  const limit = Math.max(1, Math.floor(options.limit ?? 500));
  return db.transaction(() => {
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
 * Background retention for the daemon: every `intervalMs` it runs small transactions one
 * after another, yielding to other work (ingestion, queries) between them, until nothing
 * is left to delete.
 */
export class RetentionRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** Rows deleted so far. */
  deleted = 0;

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
      for (;;) {
        if (this.stopped) break;
        const deleted = retentionStep(this.store, now, this.options);
        if (deleted === 0) break;
        total += deleted;
        await new Promise((resolve) => setImmediate(resolve));
      }
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
