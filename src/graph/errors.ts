/** What went wrong with the graph database file; each has its own message and advice. */
export type GraphStoreProblem =
  | "corrupt"
  | "unreadable"
  | "read-only"
  | "disk-full"
  | "newer-schema"
  | "foreign"
  | "busy"
  | "io";

/**
 * The graph database cannot be used: the message names the file and says what to do. The
 * daemon refuses to start on one rather than silently starting with an empty graph.
 */
export class GraphStoreError extends Error {
  override readonly name = "GraphStoreError";
  constructor(
    readonly file: string,
    readonly problem: GraphStoreProblem,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`graph database ${file}: ${message}`, options);
  }
}

function sqliteCode(err: unknown): string {
  if (typeof err !== "object" || err === null || !("code" in err)) return "";
  const code = (err as { readonly code: unknown }).code; // narrowed by the `in` check above
  return typeof code === "string" ? code : "";
}

/**
 * Turns a better-sqlite3 error (or a file-system error met while preparing the file) into
 * a {@link GraphStoreError} naming the file; `doing` says what was being attempted.
 */
export function storeErrorFrom(file: string, err: unknown, doing: string): GraphStoreError {
  if (err instanceof GraphStoreError) return err;
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const fail = (problem: GraphStoreProblem, message: string): GraphStoreError =>
    new GraphStoreError(file, problem, `${message} (while ${doing}: ${detail})`, { cause: err });
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return fail("corrupt", "the file is damaged or not a database; restore it from a backup or move it aside to start a new graph");
  }
  if (code === "SQLITE_FULL" || code === "ENOSPC") return fail("disk-full", "the disk is full; free space and restart");
  if (code.startsWith("SQLITE_READONLY") || code === "EROFS" || code === "EACCES" || code === "EPERM") {
    return fail("read-only", "the file or its directory is not writable (SQLite needs to create -wal and -shm files beside it)");
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code === "ENOTDIR" || code === "EISDIR" || code === "ENOENT") {
    return fail("unreadable", "the file cannot be opened; check the path and permissions");
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return fail("busy", "another process holds a lock on the file for too long");
  }
  return fail("io", "the database could not be used");
}
