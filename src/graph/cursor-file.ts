import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/** A file as the graph remembers it: device, inode and a hash of its first `headBytes` bytes. */
export interface StoredFileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly headBytes: number;
  readonly headHash: string;
}

/**
 * Where the reading of one flow-log file stands, stored in the transaction of each batch.
 * Records are named by their 0-based ordinal in the file. A restart reads from `start`
 * (which may lie before records already stored: what the connection tracker needs to see
 * again to be in the state it was in); of the records from there to `last`, those in `open`
 * were not counted at all yet and those in `pending` began a connection that was not
 * written yet; every other record up to `last` is in the graph.
 */
export interface FileCursor {
  readonly file: StoredFileIdentity;
  readonly start: { readonly record: number; readonly line: number; readonly offset: number | undefined };
  readonly last: number;
  readonly open: readonly number[];
  readonly pending: readonly number[];
}

/** Sorted, distinct ordinals as [first, last] runs (a reorder window is one or a few runs). */
export function toRanges(sorted: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const run = ranges.at(-1);
    if (run && n === run[1] + 1) run[1] = n;
    else if (!run || n > run[1]) ranges.push([n, n]);
  }
  return ranges;
}

/** The ordinals of stored runs; a malformed value (not written by us) gives undefined. */
export function fromRanges(text: string): number[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const out: number[] = [];
  for (const run of parsed as unknown[]) {
    if (!Array.isArray(run) || run.length !== 2) return undefined;
    const [a, b] = run as unknown[];
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || (a as number) > (b as number)) return undefined;
    for (let n = a as number; n <= (b as number); n++) out.push(n);
  }
  return out;
}

interface Row {
  dev: number;
  ino: number;
  head_bytes: number;
  head_hash: string;
  record: number;
  line: number;
  offset: number | null;
  last: number;
  open: string;
  pending: string;
}

/** The file cursor of `source`; undefined when none was stored (or it cannot be read back). */
export function readFileCursor(store: GraphStore, source: string): FileCursor | undefined {
  const row = dbOf(store)
    .prepare("SELECT dev, ino, head_bytes, head_hash, record, line, offset, last, open, pending FROM ingest_file_cursors WHERE source = ?")
    .get(source) as Row | undefined; // the SELECT's columns
  if (!row) return undefined;
  const open = fromRanges(row.open);
  const pending = fromRanges(row.pending);
  if (!open || !pending) return undefined;
  return {
    file: { dev: row.dev, ino: row.ino, headBytes: row.head_bytes, headHash: row.head_hash },
    start: { record: row.record, line: row.line, offset: row.offset ?? undefined },
    last: row.last,
    open,
    pending,
  };
}

/** The INSERT of a file cursor, run inside a batch's transaction (see BatchFlusher). */
export const FILE_CURSOR_SQL = `INSERT INTO ingest_file_cursors (source, dev, ino, head_bytes, head_hash, record, line, offset, last, open, pending, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (source) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, head_bytes = excluded.head_bytes,
    head_hash = excluded.head_hash, record = excluded.record, line = excluded.line, offset = excluded.offset,
    last = excluded.last, open = excluded.open, pending = excluded.pending, updated_at = excluded.updated_at`;

/** The parameters of {@link FILE_CURSOR_SQL}. */
export function fileCursorParams(source: string, c: FileCursor, now: number): unknown[] {
  return [source, c.file.dev, c.file.ino, c.file.headBytes, c.file.headHash, c.start.record, c.start.line, c.start.offset ?? null,
    c.last, JSON.stringify(toRanges(c.open)), JSON.stringify(toRanges(c.pending)), now];
}
