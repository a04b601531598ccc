import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GraphStoreError } from "./errors.js";
import { GraphWriter } from "./graph-writer.js";
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
import { dbOf, openGraphStore } from "./store.js";
import { readCursor } from "./cursor.js";
import { readFileCursor } from "./cursor-file.js";
import { queryGraph } from "./graph-query.js";
import { graphTotals } from "./summary-queries.js";
import { connection, workload } from "./testdata/connections.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "graph-store-"));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof GraphStoreError) return `${err.problem}: ${err.message}`;
    throw err;
  }
  return "no error";
}

describe("openGraphStore", () => {
  it("creates the schema in an empty file, in WAL mode, and re-opens it unchanged", () => {
    const file = join(dir, "sub", "graph.db");
    const store = openGraphStore({ path: file, check: "integrity" });
    const db = dbOf(store);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT version FROM schema_migrations").pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    store.close();
    const again = openGraphStore({ path: file });
    expect(dbOf(again).prepare("SELECT count(*) FROM schema_migrations").pluck().get()).toBe(MIGRATIONS.length);
    again.close();
    const reader = openGraphStore({ path: file, access: "read-only" });
    expect(reader.access).toBe("read-only");
    reader.close();
  });

  it("refuses a file from a newer version", () => {
    const file = join(dir, "graph.db");
    openGraphStore({ path: file }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(problemOf(() => openGraphStore({ path: file }))).toMatch(new RegExp(`^newer-schema: graph database .*graph\\.db: uses schema version ${SCHEMA_VERSION + 1}, newer than`));
  });

  it("migrates a version 1 file, taking its stored L7 requests as passed", () => {
    const file = join(dir, "v1.db");
    const raw = new Database(file);
    raw.transaction(() => {
      for (const sql of MIGRATIONS[0]?.statements ?? []) raw.exec(sql);
      raw.pragma(`application_id = ${APPLICATION_ID}`);
      raw.pragma("user_version = 1");
      raw.prepare("INSERT INTO edge_http (edge_id, method, path, count, first_seen, last_seen) VALUES (1, 'GET', '/', 7, 0, 0)").run();
    })();
    raw.close();
    const store = openGraphStore({ path: file });
    const db = dbOf(store);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT count, passed FROM edge_http").get()).toEqual({ count: 7, passed: 7 });
    expect(db.prepare("SELECT count(*) FROM edge_variants").pluck().get()).toBe(0);
    store.close();
  });

  it("migrates a version 2 file and keeps its ingest cursors; no file cursor until one is written", () => {
    const file = join(dir, "v2.db");
    const raw = new Database(file);
    raw.transaction(() => {
      for (const m of MIGRATIONS.slice(0, 2)) for (const sql of m.statements) raw.exec(sql);
      raw.pragma(`application_id = ${APPLICATION_ID}`);
      raw.pragma("user_version = 2");
      raw.prepare("INSERT INTO ingest_cursors (source, seconds, nanos, flow_key, updated_at) VALUES ('file:/x', 5, 6, 'k', 0)").run();
    })();
    raw.close();
    const store = openGraphStore({ path: file });
    expect(dbOf(store).pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(readCursor(store, "file:/x")).toEqual({ time: { seconds: 5, nanos: 6 }, flowKey: "k" });
    expect(readFileCursor(store, "file:/x")).toBeUndefined();
    store.close();
  });

  it("migrates a version 3 file, keeping its hour buckets as hour rows that windows widen to", () => {
    const file = join(dir, "v3.db");
    const T0 = Date.UTC(2026, 0, 1);
    const HOUR = 3_600_000;
    const raw = new Database(file);
    raw.transaction(() => {
      for (const m of MIGRATIONS.slice(0, 3)) for (const sql of m.statements) raw.exec(sql);
      raw.pragma(`application_id = ${APPLICATION_ID}`);
      raw.pragma("user_version = 3");
      const identity = raw.prepare(`INSERT INTO identities (id, key, kind, namespace, workload_kind, name, labels, first_seen, last_seen)
        VALUES (?, ?, 'workload', 'shop', 'Deployment', ?, ?, ?, ?)`);
      identity.run(1, "shop/Deployment/web", "web", '{"app":"web"}', T0, T0 + 2 * HOUR);
      identity.run(2, "shop/Deployment/api", "api", '{"app":"api"}', T0, T0 + 2 * HOUR);
      identity.run(3, "shop/Deployment/db", "db", '{"app":"db"}', T0, T0 + 2 * HOUR);
      raw.prepare("INSERT INTO edges (id, source_id, destination_id, protocol, port, first_seen, last_seen) VALUES (1, 1, 2, 'TCP', 8080, ?, ?), (2, 2, 3, 'TCP', 5432, ?, ?)")
        .run(T0, T0 + 20_000, T0 + 10 * 60_000, T0 + 40 * 60_000);
      const bucket = raw.prepare(`INSERT INTO edge_buckets (edge_id, bucket, kind, verdict, drop_reason, egress, ingress, count, events, first_seen, last_seen)
        VALUES (?, ?, 'new', 'FORWARDED', '', 'FORWARDED/policy-verdict', '', ?, ?, ?, ?)`);
      // web→api only in the first 20 seconds of hour 00; api→db from 00:10 to 00:40.
      bucket.run(1, T0, 4, 4, T0, T0 + 20_000);
      bucket.run(2, T0, 6, 6, T0 + 10 * 60_000, T0 + 40 * 60_000);
      raw.prepare("INSERT INTO variants (id, text, last_seen) VALUES (1, ?, ?), (2, ?, ?)")
        .run(JSON.stringify([["k8s:app=api"], "shop", 0, "", []]), T0, JSON.stringify([["k8s:app=db"], "shop", 0, "", []]), T0);
      raw.prepare(`INSERT INTO edge_variants (edge_id, bucket, source_variant, destination_variant, forwarded, l7, audited, dropped, first_seen, last_seen)
        VALUES (2, ?, 1, 2, 9, 0, 0, 0, ?, ?)`).run(T0, T0 + 10 * 60_000, T0 + 40 * 60_000);
      raw.prepare("INSERT INTO lost_events (node, source, bucket, count) VALUES ('node-a', 'PERF_EVENT_RING_BUFFER', ?, 3)").run(T0);
    })();
    raw.close();
    const store = openGraphStore({ path: file, check: "integrity" });
    const db = dbOf(store);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT edge_id, bucket, span, count FROM edge_buckets ORDER BY edge_id").all()).toEqual([
      { edge_id: 1, bucket: T0, span: HOUR, count: 4 }, { edge_id: 2, bucket: T0, span: HOUR, count: 6 },
    ]);
    expect(db.prepare("SELECT bucket, span, forwarded FROM edge_variants").all()).toEqual([{ bucket: T0, span: HOUR, forwarded: 9 }]);
    expect(db.prepare("SELECT bucket, span, count FROM lost_events").all()).toEqual([{ bucket: T0, span: HOUR, count: 3 }]);
    // The window of 00:30–01:00: web→api was last seen at 00:00:20 and is left out; api→db
    // reaches into it from 00:10, so its hour is taken whole and the window says so.
    const graph = queryGraph(store, { window: { sinceMs: T0 + HOUR / 2, untilMs: T0 + HOUR } });
    expect(graph.edges.map((e) => [e.source, e.destination, e.connections, e.variants?.[0]?.forwarded])).toEqual([["shop/Deployment/api", "shop/Deployment/db", 6, 9]]);
    expect(graph.window).toMatchObject({ sinceMs: T0, untilMs: T0 + HOUR });
    expect(graph.window.note).toContain("by the hour");
    // A window that holds the whole hour is exact; new minute rows join the old hour rows.
    const writer = new GraphWriter(store);
    void writer.accept([connection(T0 + 50 * 60_000, workload("shop", "web"), workload("shop", "api"))]);
    writer.close();
    const hour = queryGraph(store, { window: { sinceMs: T0, untilMs: T0 + HOUR } });
    expect(hour.window.note).toBeUndefined();
    expect(hour.edges.map((e) => [e.destination, e.connections])).toEqual([["shop/Deployment/db", 6], ["shop/Deployment/api", 5]]);
    expect(graphTotals(store, { window: { sinceMs: T0, untilMs: T0 + HOUR } })).toMatchObject({ connections: 11, lostEvents: 3 });
    store.close();
  });

  it("refuses an SQLite file it did not create", () => {
    const file = join(dir, "other.db");
    const raw = new Database(file);
    raw.exec("CREATE TABLE t (x)");
    raw.close();
    expect(problemOf(() => openGraphStore({ path: file }))).toMatch(/^foreign: .*other\.db: is an SQLite file that hubble-auditor did not create/);
  });

  it("names a damaged file", () => {
    const file = join(dir, "graph.db");
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    expect(problemOf(() => openGraphStore({ path: file }))).toMatch(/^corrupt: graph database .*graph\.db: the file is damaged/);
  });

  it("detects damage inside a valid header", () => {
    const file = join(dir, "graph.db");
    const store = openGraphStore({ path: file });
    const writer = new GraphWriter(store);
    for (let i = 0; i < 300; i++) void writer.accept([connection(Date.UTC(2026, 0, 1) + i, workload("a", `w${i}`), workload("b", "db"))]);
    writer.close();
    dbOf(store).pragma("wal_checkpoint(TRUNCATE)");
    store.close();
    const bytes = readFileSync(file);
    bytes.fill(0x77, 4096 * 2 + 100, 4096 * 4);
    writeFileSync(file, bytes);
    expect(problemOf(() => openGraphStore({ path: file, check: "integrity" }))).toMatch(/^corrupt: /);
  });

  it("names a directory given as the file, and a missing file opened read-only", () => {
    expect(problemOf(() => openGraphStore({ path: dir }))).toMatch(/^unreadable: .*is a directory/);
    expect(problemOf(() => openGraphStore({ path: join(dir, "none.db"), access: "read-only" }))).toMatch(/^unreadable: .*does not exist/);
  });

  it.skipIf(process.getuid?.() === 0)("names a read-only directory", () => {
    chmodSync(dir, 0o555);
    expect(problemOf(() => openGraphStore({ path: join(dir, "graph.db") }))).toMatch(/^(read-only|unreadable): .*graph\.db/);
  });

  it("reports a full disk while writing and keeps the batch", () => {
    const file = join(dir, "graph.db");
    const store = openGraphStore({ path: file });
    const pages = Number(dbOf(store).pragma("page_count", { simple: true }));
    dbOf(store).pragma(`max_page_count = ${pages + 2}`);
    const writer = new GraphWriter(store);
    for (let i = 0; i < 2000; i++) void writer.accept([connection(Date.UTC(2026, 0, 1) + i, workload("a", `w${i}`, { x: "y".repeat(200) }), workload("b", "db"))]);
    expect(problemOf(() => { writer.flush(); })).toMatch(/^disk-full: graph database .*graph\.db: the disk is full/);
    expect(() => writer.accept([])).toThrow(GraphStoreError);
    store.close();
  });
});
