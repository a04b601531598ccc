import { statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { GraphStoreError } from "./errors.js";

/**
 * better-sqlite3 builds SQLite with URI filenames off; its addon turns them on for the whole
 * process when `SQLITE_USE_URI=1` is in the environment as it loads (SQLite's URI setting is
 * global and fixed once SQLite is initialised). Called before the first connection is made, so
 * that a read-only open can fall back to `?immutable=1`. Paths we open are absolute, so none is
 * taken for a URI by accident; an explicit `SQLITE_USE_URI` in the environment is left alone.
 */
export function enableUriFilenames(): void {
  process.env.SQLITE_USE_URI ??= "1";
}

/** Errors SQLite gives when a WAL-mode file is readable but its -wal or -shm cannot be created. */
function isSidecarFailure(err: unknown): boolean {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
  return code === "SQLITE_READONLY_DIRECTORY" || code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY_CANTINIT";
}

/**
 * Opens an existing graph for reading only, and reads its header. SQLite reads a WAL-mode
 * database through the -wal and -shm files beside it and creates them when they are missing
 * (sqlite.org/wal.html, "Read-Only Databases": the file opens read-only when they exist or can
 * be created, or when it is immutable). In a directory this process cannot write (a read-only
 * mount, another user's files) that fails though nothing is to be changed. Then, when no -wal
 * file holds commits not yet copied into the database, the file is opened as immutable: read
 * as it is, without locks or -shm. A -wal with commits is an error: reading without it would
 * answer from an older graph.
 */
export function openReadOnlyDatabase(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("schema_version", { simple: true });
    return db;
  } catch (err) {
    db.close();
    if (!isSidecarFailure(err)) throw err;
    return openImmutable(file, err);
  }
}

function openImmutable(file: string, cause: unknown): Database.Database {
  const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
  if (wal !== undefined && wal.size > 0) {
    throw new GraphStoreError(
      file,
      "read-only",
      `holds commits in ${file}-wal not yet copied into the database, and SQLite cannot read them without creating ${file}-shm in a directory this process cannot write; open it once where the directory is writable (any hubble-auditor command does), or copy the database with its -wal file to such a directory`,
      { cause },
    );
  }
  let db: Database.Database;
  try {
    db = new Database(`${pathToFileURL(file).href}?immutable=1`, { readonly: true, fileMustExist: true });
    db.pragma("schema_version", { simple: true });
  } catch (err) {
    throw new GraphStoreError(
      file,
      "read-only",
      `its directory is not writable, so SQLite cannot create ${file}-shm to read it, and opening it as immutable failed too (${err instanceof Error ? err.message : String(err)}; SQLITE_USE_URI=${process.env.SQLITE_USE_URI ?? "unset"})`,
      { cause },
    );
  }
  return db;
}
