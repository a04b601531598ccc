import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { GraphStoreError, storeErrorFrom } from "./errors.js";
import { enableUriFilenames, openReadOnlyDatabase } from "./read-only-open.js";
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

/** Options of {@link openGraphStore}. */
export interface OpenGraphStoreOptions {
  /** The database file; ":memory:" for a private in-memory graph (tests). */
  readonly path: string;
  /** `read-only` opens an existing, current graph without changing it; default `read-write`. */
  readonly access?: "read-write" | "read-only";
  /**
   * Consistency check on open: `quick` (default; PRAGMA quick_check, linear in the file
   * size), `integrity` (full PRAGMA integrity_check, also verifies index contents), `none`.
   */
  readonly check?: "quick" | "integrity" | "none";
  /**
   * Page cache in MiB (default 8). It counts fully in the process's RSS, while pages beyond
   * it are read from the operating system's file cache; a bigger cache speeds up queries on
   * very large graphs at that cost. Ingest keeps its hot pages (the current hour's rows and
   * the indexes' upper levels) within the default.
   */
  readonly cacheMiB?: number;
  /** Wall clock for bookkeeping (migration times); undefined: Date.now. */
  readonly now?: () => number;
}

/** An open graph database. Only src/graph reaches the SQLite handle behind it. */
export interface GraphStore {
  /** The file as resolved, or ":memory:". */
  readonly file: string;
  /** Wall clock used for bookkeeping. */
  readonly now: () => number;
  readonly access: "read-write" | "read-only";
  close(): void;
}

const handles = new WeakMap<GraphStore, Database.Database>();

/** See {@link OpenGraphStoreOptions.cacheMiB}. */
const DEFAULT_CACHE_MIB = 8;

/** The SQLite handle of a store (internal to src/graph; not exported from its index). */
export function dbOf(store: GraphStore): Database.Database {
  const db = handles.get(store);
  if (!db?.open) throw new GraphStoreError(store.file, "io", "the database is closed");
  return db;
}

/**
 * Opens (creating and migrating when read-write) the graph database. Fails with a
 * {@link GraphStoreError} naming the file when it is damaged, not ours, from a newer
 * version, unreadable, read-only or on a full disk, so nothing starts on an empty graph by
 * accident.
 */
export function openGraphStore(options: OpenGraphStoreOptions): GraphStore {
  const access = options.access ?? "read-write";
  const memory = options.path === ":memory:";
  const file = memory ? ":memory:" : resolve(options.path);
  if (!memory) prepareFile(file, access);
  enableUriFilenames();
  let db: Database.Database;
  try {
    // Read-only: also where the directory is not writable (see openReadOnlyDatabase).
    db = access === "read-only" ? openReadOnlyDatabase(file) : new Database(file);
  } catch (err) {
    throw storeErrorFrom(file, err, "opening");
  }
  try {
    db.pragma("busy_timeout = 5000");
    checkConsistency(db, file, options.check ?? "quick");
    if (access === "read-write") {
      db.pragma("journal_mode = WAL");
      // WAL + NORMAL: a commit survives a process crash; only an OS crash may lose the last ones.
      db.pragma("synchronous = NORMAL");
    }
    db.pragma(`cache_size = ${-1024 * Math.max(2, Math.floor(options.cacheMiB ?? DEFAULT_CACHE_MIB))}`);
    const now = options.now ?? Date.now;
    ensureSchema(db, file, access, now);
    const store: GraphStore = { file, now, access, close: () => { if (db.open) db.close(); } };
    handles.set(store, db);
    return store;
  } catch (err) {
    db.close();
    throw storeErrorFrom(file, err, "checking the schema");
  }
}

function prepareFile(file: string, access: "read-write" | "read-only"): void {
  try {
    if (access === "read-write") {
      mkdirSync(dirname(file), { recursive: true });
      // WAL mode creates -wal and -shm files beside the database: the directory must be writable.
      accessSync(dirname(file), constants.W_OK);
    }
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) throw new GraphStoreError(file, "unreadable", "is a directory, not a database file");
    if (!stat && access === "read-only") {
      throw new GraphStoreError(file, "unreadable", "does not exist; run `hubble-auditor ingest` or `serve` first");
    }
  } catch (err) {
    throw storeErrorFrom(file, err, "preparing the file");
  }
}

function checkConsistency(db: Database.Database, file: string, check: "quick" | "integrity" | "none"): void {
  // Reading the header first turns "not a database" into a clear error before anything else.
  db.pragma("schema_version", { simple: true });
  if (check === "none") return;
  const rows: unknown = db.pragma(check === "quick" ? "quick_check(5)" : "integrity_check(5)", { simple: false });
  const messages = Array.isArray(rows) ? rows.map((r) => String(Object.values(r as object)[0])) : [];
  if (messages.length !== 1 || messages[0] !== "ok") {
    throw new GraphStoreError(file, "corrupt", `failed ${check}_check: ${messages.join("; ")}; restore it from a backup or move it aside`);
  }
}

function ensureSchema(db: Database.Database, file: string, access: "read-write" | "read-only", now: () => number): void {
  const appId = Number(db.pragma("application_id", { simple: true }));
  const version = Number(db.pragma("user_version", { simple: true }));
  const objects = Number(db.prepare("SELECT count(*) FROM sqlite_master").pluck().get());
  const fresh = appId === 0 && objects === 0;
  if (!fresh && appId !== APPLICATION_ID) {
    throw new GraphStoreError(file, "foreign", "is an SQLite file that hubble-auditor did not create; refusing to touch it");
  }
  if (version > SCHEMA_VERSION) {
    throw new GraphStoreError(file, "newer-schema", `uses schema version ${version}, newer than this build supports (${SCHEMA_VERSION}); upgrade hubble-auditor`);
  }
  if (version === SCHEMA_VERSION) return;
  if (access === "read-only") {
    const state = fresh ? "holds no graph yet" : `uses schema version ${version}`;
    throw new GraphStoreError(file, "unreadable", `${state}; run \`hubble-auditor ingest\` or \`serve\` to create or migrate it`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      for (const sql of migration.statements) db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(migration.version, now());
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/**
 * Whether the store answers a trivial query: undefined when it does, else the error's
 * SQLite code (`SQLITE_IOERR`, ...) or name, which says what failed without naming the file
 * (for the daemon's public readiness check).
 */
export function probeGraphStore(store: GraphStore): string | undefined {
  try {
    dbOf(store).prepare("SELECT 1").get();
    return undefined;
  } catch (err) {
    if (err instanceof Error && "code" in err && typeof err.code === "string") return err.code;
    return err instanceof Error ? err.name : "error";
  }
}
