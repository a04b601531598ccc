import { edgeCondition } from "./graph-query.js";
import type { EdgeSample, GraphFilter, GraphTotals, TopTalker } from "./graph-types.js";
import { sampleFromText } from "./identity-rows.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";
import { IN_WINDOW_SQL, REACH_SQL, effectiveWindow, widerReach, windowBindings } from "./window-rows.js";

const IN_WINDOW = IN_WINDOW_SQL("b");

// Lost events carry no first/last time: a row is in the window when its bucket overlaps it,
// and one that reaches across a bound widens the window like a bucket row does.
const LOST_IN_WINDOW = "b.bucket < @until AND b.bucket + b.span > @since";
const LOST_REACH = `min(iif(b.bucket < @since, b.bucket, NULL)) AS early, max(iif(b.bucket + b.span > @until, b.bucket + b.span, NULL)) AS late,
  max(iif(b.bucket < @since OR b.bucket + b.span > @until, b.span, 0)) AS coarse`;

interface ReachRow {
  readonly early: number | null;
  readonly late: number | null;
  readonly coarse: number | null;
}

/** Totals of a window (optionally one namespace or workload); lost events are cluster-wide. */
export function graphTotals(store: GraphStore, filter: GraphFilter): GraphTotals {
  const db = dbOf(store);
  const { window } = filter;
  const condition = edgeCondition(db, filter) ?? { sql: " AND 0", params: [] };
  const row = db
    .prepare(
      `SELECT count(DISTINCT b.edge_id) AS edges,
         coalesce(sum(iif(b.kind = 'new', b.count, 0)), 0) AS connections,
         coalesce(sum(iif(b.kind = 'request', b.count, 0)), 0) AS requests,
         coalesce(sum(iif(b.kind = 'existing', b.count, 0)), 0) AS existing,
         coalesce(sum(iif(b.kind != 'existing' AND b.verdict = 'DROPPED', b.count, 0)), 0) AS dropped,
         min(b.first_seen) AS first, max(b.last_seen) AS last, ${REACH_SQL("b")}
       FROM edge_buckets b JOIN edges e ON e.id = b.edge_id WHERE ${IN_WINDOW}${condition.sql}`,
    )
    .get(windowBindings(window), ...condition.params) as {
    edges: number; connections: number; requests: number; existing: number; dropped: number; first: number | null; last: number | null;
  } & ReachRow; // the SELECT's aliases
  const identities = db
    .prepare(
      `SELECT count(*) FROM (SELECT e.source_id FROM edge_buckets b JOIN edges e ON e.id = b.edge_id WHERE ${IN_WINDOW}${condition.sql}
       UNION SELECT e.destination_id FROM edge_buckets b JOIN edges e ON e.id = b.edge_id WHERE ${IN_WINDOW}${condition.sql})`,
    )
    .pluck()
    .get(windowBindings(window), ...condition.params, ...condition.params) as number; // count(*)
  const lost = db
    .prepare(`SELECT source, sum(count) AS count, ${LOST_REACH} FROM lost_events b WHERE ${LOST_IN_WINDOW} GROUP BY source ORDER BY source`)
    .all(windowBindings(window)) as ({ source: string; count: number } & ReachRow)[]; // the SELECT's columns
  let reach = { early: row.early, late: row.late, coarse: row.coarse ?? 0 };
  for (const l of lost) reach = widerReach(reach, { early: l.early, late: l.late, coarse: l.coarse ?? 0 });
  const lostBySource: Record<string, number> = {};
  for (const l of lost) lostBySource[l.source] = l.count;
  return {
    window: effectiveWindow(window, reach), identities, edges: row.edges, connections: row.connections, requests: row.requests, dropped: row.dropped,
    existing: row.existing, lostEvents: lost.reduce((n, l) => n + l.count, 0), lostBySource,
    firstSeenMs: row.first ?? undefined, lastSeenMs: row.last ?? undefined,
  };
}

/** Identities ranked by connections plus requests sent and received in the window. */
export function topTalkers(store: GraphStore, filter: GraphFilter, limit = 10): readonly TopTalker[] {
  const db = dbOf(store);
  const condition = edgeCondition(db, filter);
  if (!condition) return [];
  return db
    .prepare(
      `WITH w AS (SELECT e.source_id AS sid, e.destination_id AS did, b.verdict AS verdict, b.count AS count
                  FROM edge_buckets b JOIN edges e ON e.id = b.edge_id
                  WHERE ${IN_WINDOW} AND b.kind != 'existing'${condition.sql})
       SELECT i.key AS identity, sum(t.sent) AS sent, sum(t.received) AS received, sum(t.dropped) AS dropped,
              count(DISTINCT t.peer) AS peers
       FROM (SELECT sid AS id, did AS peer, count AS sent, 0 AS received, iif(verdict = 'DROPPED', count, 0) AS dropped FROM w
             UNION ALL
             SELECT did, sid, 0, count, iif(verdict = 'DROPPED', count, 0) FROM w) t
       JOIN identities i ON i.id = t.id
       GROUP BY t.id ORDER BY sum(t.sent) + sum(t.received) DESC, i.key LIMIT ?`,
    )
    .all(windowBindings(filter.window), ...condition.params, Math.max(1, Math.floor(limit))) as TopTalker[]; // aliases match TopTalker
}

/** The stored sample connections of one edge, newest first; empty when the edge is unknown. */
export function edgeSamples(
  store: GraphStore,
  edge: { readonly source: string; readonly destination: string; readonly protocol: string; readonly port: number },
): readonly EdgeSample[] {
  const rows = dbOf(store)
    .prepare(
      `SELECT s.verdict AS verdict, s.time AS time, s.connection AS connection FROM edge_samples s
       JOIN edges e ON e.id = s.edge_id
       JOIN identities src ON src.id = e.source_id JOIN identities dst ON dst.id = e.destination_id
       WHERE src.key = ? AND dst.key = ? AND e.protocol = ? AND e.port = ? ORDER BY s.time DESC`,
    )
    .all(edge.source, edge.destination, edge.protocol, edge.port) as { verdict: string; time: number; connection: string }[]; // the SELECT's aliases
  return rows.map((r) => ({ verdict: r.verdict, timeMs: r.time, connection: sampleFromText(r.connection) }));
}
