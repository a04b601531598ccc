import type Database from "better-sqlite3";
import { formatTimestamp } from "../flows/index.js";
import type { Connection, EndpointVariant, HeldChanges, Identity } from "../flows/index.js";
import { HOUR_MS, L7_OVERFLOW, MAX_L7_PER_EDGE, MINUTE_MS } from "./batch-aggregate.js";
import type { BatchAggregate, EdgeAgg } from "./batch-aggregate.js";
import type { IngestCursor } from "./cursor.js";
import { FILE_CURSOR_SQL, fileCursorParams } from "./cursor-file.js";
import type { FileCursor } from "./cursor-file.js";
import { STREAM_CURSOR_SQL, streamCursorParams } from "./cursor-stream.js";
import type { StreamCursor } from "./cursor-stream.js";
import { HELD_EXPIRE_SQL, HELD_INSERT_SQL } from "./held-tuples.js";

/** The cursors stored with a batch: the time cursor and, for a file or a stream, where its reading stands. */
export interface BatchCursors {
  readonly source: string;
  readonly cursor: IngestCursor | undefined;
  readonly file: FileCursor | undefined;
  readonly stream?: StreamCursor | undefined;
  /** The changes to the tracker's held TCP 5-tuples that belong with these cursors. */
  readonly held?: HeldChanges | undefined;
}

/** Samples kept per edge and verdict: one per hour for the last three hours that had any. */
const SAMPLE_SLOTS = 3;

const SQL = {
  identity: `INSERT INTO identities (key, kind, cluster, namespace, workload_kind, name, entity, ip, service_account,
      labels, namespace_labels, cilium_labels, dns_names, pod, first_seen, last_seen)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET
      cluster = iif(excluded.last_seen >= last_seen, excluded.cluster, cluster),
      service_account = iif(excluded.last_seen >= last_seen, excluded.service_account, service_account),
      labels = iif(excluded.last_seen >= last_seen, excluded.labels, labels),
      namespace_labels = iif(excluded.last_seen >= last_seen, excluded.namespace_labels, namespace_labels),
      cilium_labels = iif(excluded.last_seen >= last_seen, excluded.cilium_labels, cilium_labels),
      dns_names = iif(excluded.last_seen >= last_seen, excluded.dns_names, dns_names),
      pod = iif(excluded.last_seen >= last_seen AND excluded.pod != '', excluded.pod, pod),
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
    RETURNING id`,
  identityTouch: `UPDATE identities SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ? AND key = ?`,
  edge: `INSERT INTO edges (source_id, destination_id, protocol, port, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (source_id, destination_id, protocol, port) DO UPDATE SET
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
    RETURNING id, l7_variants`,
  // Ingestion writes minute rows only (span = MINUTE_MS); hour rows come from roll-up.
  bucket: `INSERT INTO edge_buckets (edge_id, bucket, span, kind, verdict, drop_reason, egress, ingress, count, events, first_seen, last_seen)
    VALUES (?, ?, ${MINUTE_MS}, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (edge_id, bucket, span, kind, verdict, drop_reason, egress, ingress) DO UPDATE SET
      count = count + excluded.count, events = events + excluded.events,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  httpUpdate: `UPDATE edge_http SET count = count + ?, passed = passed + ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?)
    WHERE edge_id = ? AND method = ? AND path = ?`,
  httpInsert: `INSERT INTO edge_http (edge_id, method, path, count, passed, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (edge_id, method, path) DO UPDATE SET count = count + excluded.count, passed = passed + excluded.passed,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  dnsUpdate: `UPDATE edge_dns SET count = count + ?, passed = passed + ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?)
    WHERE edge_id = ? AND query = ?`,
  dnsInsert: `INSERT INTO edge_dns (edge_id, query, count, passed, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (edge_id, query) DO UPDATE SET count = count + excluded.count, passed = passed + excluded.passed,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  variant: `INSERT INTO variants (text, last_seen) VALUES (?, ?)
    ON CONFLICT (text) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id`,
  edgeVariant: `INSERT INTO edge_variants (edge_id, bucket, span, source_variant, destination_variant, forwarded, l7, audited, dropped, first_seen, last_seen)
    VALUES (?, ?, ${MINUTE_MS}, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (edge_id, bucket, span, source_variant, destination_variant) DO UPDATE SET
      forwarded = forwarded + excluded.forwarded, l7 = l7 + excluded.l7, audited = audited + excluded.audited, dropped = dropped + excluded.dropped,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  variants: `UPDATE edges SET l7_variants = ? WHERE id = ?`,
  sample: `INSERT OR REPLACE INTO edge_samples (edge_id, verdict, slot, time, connection) VALUES (?, ?, ?, ?, ?)`,
  lost: `INSERT INTO lost_events (node, source, bucket, span, count) VALUES (?, ?, ?, ${MINUTE_MS}, ?)
    ON CONFLICT (node, source, bucket, span) DO UPDATE SET count = count + excluded.count`,
  cursor: `INSERT INTO ingest_cursors (source, seconds, nanos, flow_key, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (source) DO UPDATE SET seconds = excluded.seconds, nanos = excluded.nanos,
      flow_key = excluded.flow_key, updated_at = excluded.updated_at`,
  fileCursor: FILE_CURSOR_SQL,
  streamCursor: STREAM_CURSOR_SQL,
  heldInsert: HELD_INSERT_SQL,
  heldExpire: HELD_EXPIRE_SQL,
} as const;

type Statements = { readonly [K in keyof typeof SQL]: Database.Statement };

function identityRow(identity: Identity, first: number, last: number): unknown[] {
  switch (identity.kind) {
    case "workload":
      return [identity.key, "workload", identity.cluster, identity.namespace, identity.workloadKind, identity.name, "", "",
        identity.serviceAccount, JSON.stringify(identity.labels), JSON.stringify(identity.namespaceLabels),
        JSON.stringify(identity.ciliumLabels), "[]", "", first, last];
    case "reserved":
      return [identity.key, "reserved", "", "", "", "", identity.entity, identity.ip, "", "{}", "{}",
        JSON.stringify(identity.ciliumLabels), JSON.stringify(identity.dnsNames), identity.pod ?? "", first, last];
    default: {
      const never: never = identity;
      return never;
    }
  }
}

/** What a stored sample says about a connection (JSON, read back by the query side). */
export function sampleOf(c: Connection): string {
  return JSON.stringify({
    kind: c.kind, time: formatTimestamp(c.time), lastTime: formatTimestamp(c.lastTime), verdict: c.verdict,
    dropReason: c.dropReason, egress: c.egress, ingress: c.ingress, l7: c.l7, sourceIp: c.sourceIp,
    destinationIp: c.destinationIp, nodes: c.nodes, events: c.events,
  });
}

/** Bound on the memo of samples already written this hour. */
const MAX_SAMPLED = 200_000;

// Verdicts the sample memo can encode in a number; a sample with any other verdict is
// simply written every time.
const VERDICT_CODES: ReadonlyMap<string, number> = new Map(
  ["VERDICT_UNKNOWN", "FORWARDED", "DROPPED", "ERROR", "AUDIT", "REDIRECTED", "TRACED", "TRANSLATED"].map((v, i) => [v, i]),
);

/** The memo key of (edge, verdict), or undefined when the verdict has no code. */
function sampleSlotKey(edgeId: number, verdict: string): number | undefined {
  const code = VERDICT_CODES.get(verdict);
  return code === undefined ? undefined : edgeId * 8 + code;
}

/**
 * What the memo holds for a written sample: its hour, and whether it was of a new connection
 * or request (1) or of an existing connection (0), which a later new one should replace.
 */
function sampleMemo(hour: number, kind: Connection["kind"]): number {
  return hour * 2 + (kind === "new" || kind === "request" ? 1 : 0);
}

/** Writes aggregated batches, each in one transaction, with prepared statements only. */
export class BatchFlusher {
  private readonly statements: Statements;
  // Identity objects are shared by the resolver's cache, so an object written before has the
  // same labels: only its times need touching. The key in the UPDATE guards against a row id
  // that was rolled back or deleted by retention and then reused.
  private written = new WeakMap<Identity, number>();
  // Per (edge, verdict), the hour and kind of the sample last written (see sampleMemo): one
  // sample per hour is enough. Numbers, not strings: this memo holds up to MAX_SAMPLED entries.
  private readonly sampled = new Map<number, number>();
  // Variant → row id and the minute its last_seen was last raised (variant retention), by the
  // variant object (the tally shares one per variant); a variant object not seen before is
  // looked up by its text in the database. Not by text here: texts are large and built on read.
  private variantObjects = new WeakMap<EndpointVariant, { id: number; minute: number }>();
  private readonly run: (batch: BatchAggregate, cursors: BatchCursors | undefined, now: number) => number;

  constructor(db: Database.Database) {
    const prepared: Partial<Record<keyof typeof SQL, Database.Statement>> = {};
    for (const [name, sql] of Object.entries(SQL)) prepared[name as keyof typeof SQL] = db.prepare(sql); // keys come from SQL itself
    this.statements = prepared as Statements; // every key of SQL was filled above
    this.run = db.transaction((batch: BatchAggregate, cursors: BatchCursors | undefined, now: number) => {
      const rows = this.write(batch);
      const c = cursors?.cursor;
      if (cursors && c) this.statements.cursor.run(cursors.source, c.time.seconds, c.time.nanos, c.flowKey, now);
      if (cursors?.file) this.statements.fileCursor.run(...fileCursorParams(cursors.source, cursors.file, now));
      if (cursors?.stream) this.statements.streamCursor.run(...streamCursorParams(cursors.source, cursors.stream, now));
      const held = cursors?.held;
      if (cursors && held) {
        for (const [key, firstMs] of held.added) this.statements.heldInsert.run(cursors.source, key, firstMs);
        if (held.expiredThrough > Number.NEGATIVE_INFINITY) this.statements.heldExpire.run(cursors.source, held.expiredThrough);
      }
      return rows + (held?.added.length ?? 0);
    });
  }

  /** Writes `batch` (and the cursors reached with it) in one transaction; returns rows written. */
  flush(batch: BatchAggregate, cursors: BatchCursors | undefined, now: number): number {
    try {
      return this.run(batch, cursors, now);
    } catch (err) {
      this.written = new WeakMap();
      this.sampled.clear();
      this.variantObjects = new WeakMap();
      throw err;
    }
  }

  private write(batch: BatchAggregate): number {
    const s = this.statements;
    const ids = new Map<string, number>();
    let rows = 0;
    for (const [key, agg] of batch.identities) {
      const known = this.written.get(agg.identity);
      if (known !== undefined && s.identityTouch.run(agg.first, agg.last, known, key).changes > 0) {
        ids.set(key, known);
      } else {
        const id = Number(s.identity.pluck().get(...identityRow(agg.identity, agg.first, agg.last)));
        this.written.set(agg.identity, id);
        ids.set(key, id);
      }
      rows++;
    }
    for (const edge of batch.edges.values()) {
      const row = s.edge.get(ids.get(edge.source), ids.get(edge.destination), edge.protocol, edge.port, edge.first, edge.last) as { id: number; l7_variants: number }; // RETURNING id, l7_variants
      rows += 1 + this.writeEdge(row.id, row.l7_variants, edge);
    }
    for (const lost of batch.lost.values()) {
      s.lost.run(lost.node, lost.source, lost.bucket, lost.count);
      rows++;
    }
    return rows;
  }

  /**
   * The row id of a variant, raising its last_seen at most once a minute: retention drops
   * variants not seen for an hour and a minute before its cutoff (see retention.ts), so a
   * variant in use is never dropped, whatever the retention.
   */
  private variantId(variant: EndpointVariant, last: number): number {
    const minute = Math.floor(last / MINUTE_MS);
    const known = this.variantObjects.get(variant);
    if (known !== undefined && known.minute >= minute) return known.id;
    const id = Number(this.statements.variant.pluck().get(variant.text, last));
    this.variantObjects.set(variant, { id, minute });
    return id;
  }

  private writeEdge(id: number, storedVariants: number, edge: EdgeAgg): number {
    const s = this.statements;
    let rows = 0;
    for (const b of edge.buckets) {
      s.bucket.run(id, b.bucket, b.kind, b.verdict, b.dropReason, b.egress, b.ingress, b.count, b.events, b.first, b.last);
      rows++;
    }
    let variants = storedVariants;
    for (const h of edge.http?.values() ?? []) {
      if (s.httpUpdate.run(h.count, h.passed, h.first, h.last, id, h.method, h.path).changes > 0) continue;
      const room = variants < MAX_L7_PER_EDGE;
      if (room) variants++;
      s.httpInsert.run(id, room ? h.method : L7_OVERFLOW, room ? h.path : L7_OVERFLOW, h.count, h.passed, h.first, h.last);
    }
    for (const [query, d] of edge.dns ?? []) {
      if (s.dnsUpdate.run(d.count, d.passed, d.first, d.last, id, query).changes > 0) continue;
      const room = variants < MAX_L7_PER_EDGE;
      if (room) variants++;
      s.dnsInsert.run(id, room ? query : L7_OVERFLOW, d.count, d.passed, d.first, d.last);
    }
    for (const v of edge.variants ?? []) {
      s.edgeVariant.run(id, v.bucket, this.variantId(v.source, v.last), this.variantId(v.destination, v.last),
        v.forwarded, v.l7, v.audited, v.dropped, v.first, v.last);
      rows++;
    }
    if (variants !== storedVariants) s.variants.run(variants, id);
    rows += (edge.http?.size ?? 0) + (edge.dns?.size ?? 0);
    for (const c of edge.samples) {
      const at = Math.floor(c.time.seconds * 1000);
      const hour = Math.floor(at / HOUR_MS);
      const slot = sampleSlotKey(id, c.verdict);
      if (slot !== undefined) {
        const written = this.sampled.get(slot);
        const memo = sampleMemo(hour, c.kind);
        // Skip when this hour already has a sample at least as good (new beats existing).
        if (written !== undefined && written >= memo && Math.floor(written / 2) === hour) continue;
        if (this.sampled.size >= MAX_SAMPLED) this.sampled.clear();
        this.sampled.set(slot, memo);
      }
      s.sample.run(id, c.verdict, hour % SAMPLE_SLOTS, at, sampleOf(c));
      rows++;
    }
    return rows;
  }
}
