import type Database from "better-sqlite3";
import { identityProblem } from "../flows/index.js";
import type { ConnectionKind, ConnectionProtocol } from "../flows/index.js";
import { variantFromText } from "./variant-text.js";
import type { DnsSeen, EdgeVariant, GraphFilter, HttpSeen, ObservedEdge, ObservedGraph, ObservedIdentity, SideCount, SkippedIdentity } from "./graph-types.js";
import { IDENTITY_COLUMNS, identityFromRow } from "./identity-rows.js";
import type { IdentityRow } from "./identity-rows.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";
import { IN_WINDOW_SQL, NO_REACH, REACH_SQL, effectiveWindow, widerReach, windowBindings } from "./window-rows.js";
import type { Reach } from "./window-rows.js";

interface BucketRow {
  readonly edgeId: number;
  readonly sourceId: number;
  readonly destinationId: number;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  readonly kind: ConnectionKind;
  readonly verdict: string;
  readonly dropReason: string;
  readonly egress: string;
  readonly ingress: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
  readonly early: number | null;
  readonly late: number | null;
  readonly coarse: number | null;
}

interface L7Row {
  readonly edge_id: number;
  readonly method?: string;
  readonly path?: string;
  readonly query?: string;
  readonly count: number;
  readonly passed: number;
  readonly first_seen: number;
  readonly last_seen: number;
}

interface VariantRow {
  readonly edgeId: number;
  readonly sourceText: string;
  readonly destinationText: string;
  readonly forwarded: number;
  readonly l7: number;
  readonly audited: number;
  readonly dropped: number;
  readonly first: number;
  readonly last: number;
  readonly early: number | null;
  readonly late: number | null;
  readonly coarse: number | null;
}

type MutableEdge = { -readonly [K in keyof ObservedEdge]: ObservedEdge[K] } & {
  connectionsByVerdict: Record<string, number>;
  requestsByVerdict: Record<string, number>;
  dropReasons: Record<string, number>;
  sides: SideCount[];
  http: HttpSeen[];
  dns: DnsSeen[];
  variants: EdgeVariant[];
  unknown: number;
  sourceId: number;
  destinationId: number;
};

const CHUNK = 500;

/** SQL condition and parameters restricting edges to the filter; undefined: nothing matches. */
export function edgeCondition(db: Database.Database, filter: GraphFilter): { sql: string; params: unknown[] } | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.namespace !== undefined) {
    parts.push("(e.source_id IN (SELECT id FROM identities WHERE namespace = ?) OR e.destination_id IN (SELECT id FROM identities WHERE namespace = ?))");
    params.push(filter.namespace, filter.namespace);
  }
  if (filter.workload !== undefined) {
    const ids = workloadIds(db, filter.workload);
    if (ids.length === 0) return undefined;
    const marks = ids.map(() => "?").join(", ");
    parts.push(`(e.source_id IN (${marks}) OR e.destination_id IN (${marks}))`);
    params.push(...ids, ...ids);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(""), params };
}

/** Identity ids named by a workload key (`ns/Kind/name`) or `ns/name`. */
function workloadIds(db: Database.Database, workload: string): number[] {
  const slash = workload.indexOf("/");
  const namespace = slash < 0 ? "" : workload.slice(0, slash);
  const name = slash < 0 ? workload : workload.slice(slash + 1);
  return db
    .prepare("SELECT id FROM identities WHERE key = ? OR (kind = 'workload' AND namespace = ? AND name = ?) ORDER BY id LIMIT 100")
    .pluck()
    .all(workload, namespace, name) as number[]; // SELECT id
}

function chunked<T>(db: Database.Database, ids: readonly number[], sql: (marks: string) => string, extra: readonly unknown[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    out.push(...(db.prepare(sql(part.map(() => "?").join(", "))).all(...extra, ...part) as T[])); // rows of `sql`
  }
  return out;
}

function splitSide(text: string): { verdict: string; source: string } {
  const slash = text.indexOf("/");
  return slash < 0 ? { verdict: text, source: "" } : { verdict: text.slice(0, slash), source: text.slice(slash + 1) };
}

function addSide(edge: MutableEdge, row: BucketRow, side: "egress" | "ingress"): void {
  const { verdict, source } = splitSide(side === "egress" ? row.egress : row.ingress);
  const hit = edge.sides.find((s) => s.kind === row.kind && s.side === side && s.verdict === verdict && s.source === source);
  if (hit) edge.sides[edge.sides.indexOf(hit)] = { ...hit, count: hit.count + row.count };
  else edge.sides.push({ kind: row.kind, side, verdict, source, count: row.count });
}

/** A row's reach past the window (see window-rows.ts). */
function reachOf(row: { readonly early: number | null; readonly late: number | null; readonly coarse: number | null }): Reach {
  return { early: row.early, late: row.late, coarse: row.coarse ?? 0 };
}

function fold(edges: Map<number, MutableEdge>, row: BucketRow): void {
  let edge = edges.get(row.edgeId);
  if (!edge) {
    edge = {
      source: "", destination: "", sourceId: row.sourceId, destinationId: row.destinationId, protocol: row.protocol, port: row.port,
      firstSeenMs: row.first, lastSeenMs: row.last, connections: 0, connectionsByVerdict: {}, requests: 0, requestsByVerdict: {},
      existing: 0, unknown: 0, dropReasons: {}, sides: [], http: [], dns: [], variants: [],
    };
    edges.set(row.edgeId, edge);
  }
  edge.firstSeenMs = Math.min(edge.firstSeenMs, row.first);
  edge.lastSeenMs = Math.max(edge.lastSeenMs, row.last);
  if (row.kind === "existing") {
    edge.existing += row.count;
    return;
  }
  if (row.kind === "unknown") {
    edge.unknown += row.count;
    return;
  }
  const byVerdict = row.kind === "new" ? edge.connectionsByVerdict : edge.requestsByVerdict;
  byVerdict[row.verdict] = (byVerdict[row.verdict] ?? 0) + row.count;
  if (row.kind === "new") edge.connections += row.count;
  else edge.requests += row.count;
  if (row.dropReason !== "") edge.dropReasons[row.dropReason] = (edge.dropReasons[row.dropReason] ?? 0) + row.count;
  addSide(edge, row, "egress");
  addSide(edge, row, "ingress");
}

/**
 * The observed graph of a window: every edge with traffic in a bucket row of [since, until)
 * (minute rows; hour rows where the graph holds only those: see window-rows.ts), restricted
 * to a namespace or a workload when the filter says so, with the identities at their ends,
 * their L7 detail and their flow counts per end variant. The connection counts and the flow
 * counts are cut by the same rule, so an audit or a what-if replay of the window sees the
 * window's edges with the window's counts. The graph's `window` is the window its counts
 * cover: the one asked for, or wider, with a note, where a bucket row reached across a bound.
 */
export function queryGraph(store: GraphStore, filter: GraphFilter): ObservedGraph {
  const db = dbOf(store);
  const { window } = filter;
  const condition = edgeCondition(db, filter);
  if (!condition) return { window: effectiveWindow(window, NO_REACH), identities: [], edges: [], skipped: [] };
  const bindings = windowBindings(window);
  const rows = db
    .prepare(
      `SELECT b.edge_id AS edgeId, e.source_id AS sourceId, e.destination_id AS destinationId, e.protocol AS protocol, e.port AS port,
         b.kind AS kind, b.verdict AS verdict, b.drop_reason AS dropReason, b.egress AS egress, b.ingress AS ingress,
         sum(b.count) AS count, min(b.first_seen) AS first, max(b.last_seen) AS last, ${REACH_SQL("b")}
       FROM edge_buckets b JOIN edges e ON e.id = b.edge_id
       WHERE ${IN_WINDOW_SQL("b")}${condition.sql}
       GROUP BY b.edge_id, b.kind, b.verdict, b.drop_reason, b.egress, b.ingress`,
    )
    .all(bindings, ...condition.params) as BucketRow[]; // the SELECT's aliases
  const edges = new Map<number, MutableEdge>();
  // How far each edge's rows reach past the window; only kept edges widen it.
  const reaches = new Map<number, Reach>();
  for (const row of rows) {
    fold(edges, row);
    reaches.set(row.edgeId, widerReach(reaches.get(row.edgeId) ?? NO_REACH, reachOf(row)));
  }
  const identityIds = [...new Set([...edges.values()].flatMap((e) => [e.sourceId, e.destinationId]))];
  const identityRows = chunked<IdentityRow>(db, identityIds, (m) => `SELECT ${IDENTITY_COLUMNS} FROM identities WHERE id IN (${m})`, []);
  const keys = new Map(identityRows.map((r) => [r.id, r.key]));
  const skipped = dropInvalidIdentities(identityRows, edges);
  // A peer whose only edges went with a skipped identity goes too.
  const kept = skipped.size === 0 ? undefined : new Set([...edges.values()].flatMap((e) => [e.sourceId, e.destinationId]));
  const identities: ObservedIdentity[] = identityRows.filter((r) => kept === undefined || kept.has(r.id)).map(identityFromRow).sort((a, b) => a.identity.key.localeCompare(b.identity.key));
  const edgeIds = [...edges.keys()];
  const seen = [window.sinceMs, window.untilMs];
  for (const r of chunked<L7Row>(db, edgeIds, (m) => `SELECT * FROM edge_http WHERE last_seen >= ? AND first_seen < ? AND edge_id IN (${m})`, seen)) {
    edges.get(r.edge_id)?.http.push({ method: r.method ?? "", path: r.path ?? "", count: r.count, passed: r.passed, firstSeenMs: r.first_seen, lastSeenMs: r.last_seen });
  }
  for (const r of chunked<L7Row>(db, edgeIds, (m) => `SELECT * FROM edge_dns WHERE last_seen >= ? AND first_seen < ? AND edge_id IN (${m})`, seen)) {
    edges.get(r.edge_id)?.dns.push({ query: r.query ?? "", count: r.count, passed: r.passed, firstSeenMs: r.first_seen, lastSeenMs: r.last_seen });
  }
  // Flow counts are cut by the rule of the connection counts (IN_WINDOW_SQL), in buckets of the
  // same length: minute rows to the minute, hour rows (rolled up or from before version 4)
  // taken whole, widening the window.
  const variantSql = (m: string): string =>
    `SELECT ev.edge_id AS edgeId, s.text AS sourceText, d.text AS destinationText, sum(ev.forwarded) AS forwarded, sum(ev.l7) AS l7,
       sum(ev.audited) AS audited, sum(ev.dropped) AS dropped, min(ev.first_seen) AS first, max(ev.last_seen) AS last, ${REACH_SQL("ev")}
     FROM edge_variants ev JOIN variants s ON s.id = ev.source_variant JOIN variants d ON d.id = ev.destination_variant
     WHERE ${IN_WINDOW_SQL("ev")} AND ev.edge_id IN (${m})
     GROUP BY ev.edge_id, ev.source_variant, ev.destination_variant`;
  for (const r of chunked<VariantRow>(db, edgeIds, variantSql, [bindings])) {
    const source = variantFromText(r.sourceText);
    const destination = variantFromText(r.destinationText);
    if (source === undefined || destination === undefined) continue;
    const edge = edges.get(r.edgeId);
    if (edge === undefined) continue;
    edge.variants.push({ source, destination, forwarded: r.forwarded, l7: r.l7, audited: r.audited, dropped: r.dropped, firstSeenMs: r.first, lastSeenMs: r.last });
    edge.firstSeenMs = Math.min(edge.firstSeenMs, r.first);
    edge.lastSeenMs = Math.max(edge.lastSeenMs, r.last);
    reaches.set(r.edgeId, widerReach(reaches.get(r.edgeId) ?? NO_REACH, reachOf(r)));
  }
  let reach = NO_REACH;
  for (const id of edges.keys()) reach = widerReach(reach, reaches.get(id) ?? NO_REACH);
  const out: ObservedEdge[] = [];
  for (const e of edges.values()) {
    const { sourceId, destinationId, ...edge } = e;
    edge.http.sort((a, b) => b.count - a.count || a.path.localeCompare(b.path));
    edge.dns.sort((a, b) => b.count - a.count || a.query.localeCompare(b.query));
    sortVariants(edge.variants);
    out.push({ ...edge, source: keys.get(sourceId) ?? "", destination: keys.get(destinationId) ?? "" });
  }
  out.sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination) || a.protocol.localeCompare(b.protocol) || a.port - b.port);
  return { window: effectiveWindow(window, reach), identities, edges: out, skipped: [...skipped.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}

/**
 * Takes the identities whose names break Kubernetes' rules (see identityProblem) out of an
 * analysis, with every edge at them: a graph written before flows were checked on the way
 * in may hold one, and its name would make every policy set that includes it invalid and
 * every file path built from it unsafe. The stored rows are left as they are.
 */
function dropInvalidIdentities(rows: readonly IdentityRow[], edges: Map<number, MutableEdge>): Map<number, SkippedIdentity> {
  const bad = new Map<number, { key: string; problem: string; edges: number }>();
  for (const row of rows) {
    const problem = identityProblem(identityFromRow(row).identity);
    if (problem !== undefined) bad.set(row.id, { key: row.key, problem, edges: 0 });
  }
  if (bad.size === 0) return bad;
  for (const [id, edge] of edges) {
    const ends = [bad.get(edge.sourceId), bad.get(edge.destinationId)];
    if (ends[0] === undefined && ends[1] === undefined) continue;
    for (const end of new Set(ends)) if (end !== undefined) end.edges++;
    edges.delete(id);
  }
  return bad;
}

/** Sorts an edge's variants by their texts (each text built once: variants build it when read). */
function sortVariants(variants: EdgeVariant[]): void {
  const keys = new Map(variants.map((v) => [v, [v.source.text, v.destination.text] as const]));
  const key = (v: EdgeVariant): readonly [string, string] => keys.get(v) ?? ["", ""];
  variants.sort((a, b) => key(a)[0].localeCompare(key(b)[0]) || key(a)[1].localeCompare(key(b)[1]));
}
