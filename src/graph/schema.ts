/**
 * The graph database schema as an ordered list of migrations. `PRAGMA user_version` holds the
 * version for a cheap check on open and `schema_migrations` records when each step ran;
 * `PRAGMA application_id` marks the file as ours so a foreign SQLite file is refused.
 *
 * Times are milliseconds since the epoch (INTEGER); `bucket` is the start of a time bucket
 * and, from version 4 on, `span` its length (a minute or an hour; see V4).
 * Label sets are JSON text: they are read back whole, never queried by SQL.
 */

/** "HuAu" as a 32-bit integer, stored in the SQLite header's application_id. */
export const APPLICATION_ID = 0x48754175;

/** One schema step; `version` is the user_version after it ran. */
export interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
}

const V1: readonly string[] = [
  `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
  `CREATE TABLE identities (
     id INTEGER PRIMARY KEY,
     key TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL,
     cluster TEXT NOT NULL DEFAULT '',
     namespace TEXT NOT NULL DEFAULT '',
     workload_kind TEXT NOT NULL DEFAULT '',
     name TEXT NOT NULL DEFAULT '',
     entity TEXT NOT NULL DEFAULT '',
     ip TEXT NOT NULL DEFAULT '',
     service_account TEXT NOT NULL DEFAULT '',
     labels TEXT NOT NULL DEFAULT '{}',
     namespace_labels TEXT NOT NULL DEFAULT '{}',
     cilium_labels TEXT NOT NULL DEFAULT '[]',
     dns_names TEXT NOT NULL DEFAULT '[]',
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL)`,
  `CREATE INDEX identities_namespace ON identities (namespace, name)`,
  `CREATE TABLE edges (
     id INTEGER PRIMARY KEY,
     source_id INTEGER NOT NULL,
     destination_id INTEGER NOT NULL,
     protocol TEXT NOT NULL,
     port INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     l7_variants INTEGER NOT NULL DEFAULT 0,
     UNIQUE (source_id, destination_id, protocol, port))`,
  `CREATE INDEX edges_destination ON edges (destination_id)`,
  // One row per edge, hour and outcome: kind (new/request/existing), overall verdict, drop
  // reason and each side's "VERDICT/source" ("" when that side was not reported).
  `CREATE TABLE edge_buckets (
     edge_id INTEGER NOT NULL,
     bucket INTEGER NOT NULL,
     kind TEXT NOT NULL,
     verdict TEXT NOT NULL,
     drop_reason TEXT NOT NULL,
     egress TEXT NOT NULL,
     ingress TEXT NOT NULL,
     count INTEGER NOT NULL,
     events INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (edge_id, bucket, kind, verdict, drop_reason, egress, ingress)) WITHOUT ROWID`,
  `CREATE INDEX edge_buckets_bucket ON edge_buckets (bucket)`,
  `CREATE TABLE edge_http (
     edge_id INTEGER NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
     count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
     PRIMARY KEY (edge_id, method, path)) WITHOUT ROWID`,
  `CREATE TABLE edge_dns (
     edge_id INTEGER NOT NULL, query TEXT NOT NULL,
     count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
     PRIMARY KEY (edge_id, query)) WITHOUT ROWID`,
  `CREATE TABLE edge_samples (
     edge_id INTEGER NOT NULL, verdict TEXT NOT NULL, slot INTEGER NOT NULL,
     time INTEGER NOT NULL, connection TEXT NOT NULL,
     PRIMARY KEY (edge_id, verdict, slot)) WITHOUT ROWID`,
  `CREATE TABLE lost_events (
     node TEXT NOT NULL, source TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (node, source, bucket)) WITHOUT ROWID`,
  `CREATE TABLE ingest_cursors (
     source TEXT PRIMARY KEY, seconds INTEGER NOT NULL, nanos INTEGER NOT NULL,
     flow_key TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
];

// Version 2: what policy saw of each flow, so that replaying the graph evaluates what a
// per-flow simulation evaluates. `variants` holds each distinct end variant (labels,
// namespace field, reserved identity number, and for non-endpoint peers address and DNS
// names) once; `edge_variants` counts an edge's request-direction flows per pair of end
// variants and hour. HTTP and DNS rows count the requests that got through (`passed`);
// rows written by version 1 did not record verdicts and are taken as passed. Identities
// keep the pod Hubble named for a reserved identity (a world-identity pod).
const V2: readonly string[] = [
  `CREATE TABLE variants (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE, last_seen INTEGER NOT NULL)`,
  `CREATE TABLE edge_variants (
     edge_id INTEGER NOT NULL,
     bucket INTEGER NOT NULL,
     source_variant INTEGER NOT NULL,
     destination_variant INTEGER NOT NULL,
     forwarded INTEGER NOT NULL,
     l7 INTEGER NOT NULL,
     audited INTEGER NOT NULL,
     dropped INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (edge_id, bucket, source_variant, destination_variant)) WITHOUT ROWID`,
  `ALTER TABLE edge_http ADD COLUMN passed INTEGER NOT NULL DEFAULT 0`,
  `UPDATE edge_http SET passed = count`,
  `ALTER TABLE edge_dns ADD COLUMN passed INTEGER NOT NULL DEFAULT 0`,
  `UPDATE edge_dns SET passed = count`,
  `ALTER TABLE identities ADD COLUMN pod TEXT NOT NULL DEFAULT ''`,
];

// Version 3: where the reading of a flow-log file stands, written in the transaction of each
// batch, so a restart continues from there instead of reading the file again from the start.
// The file is named by device, inode and a hash of its first bytes (a rotated or replaced file
// is another file); `record`/`line`/`offset` say where a restart reads from, `last` the last
// record handed to ingestion, and `open`/`pending` (JSON ranges of record ordinals) what of
// the records from there to `last` was not stored yet (see the file cursor in cursor-file.ts).
// The time cursors of ingest_cursors stay as they are.
const V3: readonly string[] = [
  `CREATE TABLE ingest_file_cursors (
     source TEXT PRIMARY KEY,
     dev INTEGER NOT NULL, ino INTEGER NOT NULL, head_bytes INTEGER NOT NULL, head_hash TEXT NOT NULL,
     record INTEGER NOT NULL, line INTEGER NOT NULL, offset INTEGER,
     last INTEGER NOT NULL, open TEXT NOT NULL, pending TEXT NOT NULL,
     updated_at INTEGER NOT NULL)`,
];

// Version 4: where the reading of a Hubble stream stands, written in the transaction of each
// batch, so a restart asks for flows from before the oldest one still in flight and counts
// each connection once (see the stream cursor in cursor-stream.ts). `last_keys`, `open` and
// `pending` are JSON: keys, and [key, seconds, nanos] triples. Databases from before keep
// their time cursors in ingest_cursors, from which a first restart resumes as before.
const V4: readonly string[] = [
  `CREATE TABLE ingest_stream_cursors (
     source TEXT PRIMARY KEY,
     start_seconds INTEGER NOT NULL, start_nanos INTEGER NOT NULL,
     last_seconds INTEGER NOT NULL, last_nanos INTEGER NOT NULL,
     last_keys TEXT NOT NULL, open TEXT NOT NULL, pending TEXT NOT NULL,
     updated_at INTEGER NOT NULL)`,
];

// Version 5: buckets of a minute, so that a window is answered to the minute. The three
// bucketed tables get a `span` column (the bucket's length in ms) that is part of the key, so
// minute rows and hour rows of one hour can live side by side: ingestion writes minute rows,
// retention rolls minute rows older than the minute-resolution period up into hour rows
// (retention.ts), and rows of earlier versions stay what they were, hour rows. SQLite cannot
// change a primary key in place, so each table is copied into its new shape in this step's
// transaction; nothing is lost if it fails.
const V5: readonly string[] = [
  `CREATE TABLE edge_buckets_v5 (
     edge_id INTEGER NOT NULL,
     bucket INTEGER NOT NULL,
     span INTEGER NOT NULL,
     kind TEXT NOT NULL,
     verdict TEXT NOT NULL,
     drop_reason TEXT NOT NULL,
     egress TEXT NOT NULL,
     ingress TEXT NOT NULL,
     count INTEGER NOT NULL,
     events INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (edge_id, bucket, span, kind, verdict, drop_reason, egress, ingress)) WITHOUT ROWID`,
  `INSERT INTO edge_buckets_v5 (edge_id, bucket, span, kind, verdict, drop_reason, egress, ingress, count, events, first_seen, last_seen)
     SELECT edge_id, bucket, 3600000, kind, verdict, drop_reason, egress, ingress, count, events, first_seen, last_seen FROM edge_buckets`,
  `DROP TABLE edge_buckets`,
  `ALTER TABLE edge_buckets_v5 RENAME TO edge_buckets`,
  `CREATE INDEX edge_buckets_bucket ON edge_buckets (bucket)`,
  `CREATE TABLE edge_variants_v5 (
     edge_id INTEGER NOT NULL,
     bucket INTEGER NOT NULL,
     span INTEGER NOT NULL,
     source_variant INTEGER NOT NULL,
     destination_variant INTEGER NOT NULL,
     forwarded INTEGER NOT NULL,
     l7 INTEGER NOT NULL,
     audited INTEGER NOT NULL,
     dropped INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (edge_id, bucket, span, source_variant, destination_variant)) WITHOUT ROWID`,
  `INSERT INTO edge_variants_v5 (edge_id, bucket, span, source_variant, destination_variant, forwarded, l7, audited, dropped, first_seen, last_seen)
     SELECT edge_id, bucket, 3600000, source_variant, destination_variant, forwarded, l7, audited, dropped, first_seen, last_seen FROM edge_variants`,
  `DROP TABLE edge_variants`,
  `ALTER TABLE edge_variants_v5 RENAME TO edge_variants`,
  `CREATE TABLE lost_events_v5 (
     node TEXT NOT NULL, source TEXT NOT NULL, bucket INTEGER NOT NULL, span INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (node, source, bucket, span)) WITHOUT ROWID`,
  `INSERT INTO lost_events_v5 (node, source, bucket, span, count) SELECT node, source, bucket, 3600000, count FROM lost_events`,
  `DROP TABLE lost_events`,
  `ALTER TABLE lost_events_v5 RENAME TO lost_events`,
];

// Version 6: the TCP 5-tuples the connection tracker holds (connections emitted in the last
// 60 s; see ConnectionTracker), written in the transaction of each batch with the file or
// stream cursor, so a restart takes them back instead of reading a minute of flows again to
// rebuild them (see held-tuples.ts). Cursors written before keep their start a minute back,
// from which a first restart rebuilds the tuples as before.
const V6: readonly string[] = [
  `CREATE TABLE ingest_held_tuples (
     source TEXT NOT NULL, key TEXT NOT NULL, first_ms INTEGER NOT NULL,
     PRIMARY KEY (source, key)) WITHOUT ROWID`,
  `CREATE INDEX ingest_held_tuples_by_time ON ingest_held_tuples (source, first_ms)`,
];

/** Every migration, oldest first. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, statements: V1 },
  { version: 2, statements: V2 },
  { version: 3, statements: V3 },
  { version: 4, statements: V4 },
  { version: 5, statements: V5 },
  { version: 6, statements: V6 },
];

/** The schema version this build writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;
