import type { Timestamp } from "../flows/index.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/** A flow named by its key (uuid, or its content key; see flowKey) and its time. */
export interface KeyedFlow {
  readonly key: string;
  readonly time: Timestamp;
}

/**
 * Where the reading of a Hubble stream stands, stored in the transaction of each batch. A
 * restart asks for the flows `since` `start` (which lies before flows already stored: what
 * the connection tracker needs to see again to be in the state it was in). Of the flows from
 * there up to `last` (a time; at exactly that time, the flows whose keys are in `lastKeys`),
 * those in `open` were not counted at all yet and those in `pending` began a connection that
 * was not written yet; every other flow up to `last` is in the graph.
 */
export interface StreamCursor {
  readonly start: Timestamp;
  readonly last: Timestamp;
  readonly lastKeys: readonly string[];
  readonly open: readonly KeyedFlow[];
  readonly pending: readonly KeyedFlow[];
}

interface Row {
  start_seconds: number;
  start_nanos: number;
  last_seconds: number;
  last_nanos: number;
  last_keys: string;
  open: string;
  pending: string;
}

function isTime(v: unknown): v is Timestamp {
  if (typeof v !== "object" || v === null) return false;
  const t = v as { seconds?: unknown; nanos?: unknown }; // checked member by member below
  return Number.isSafeInteger(t.seconds) && Number.isSafeInteger(t.nanos);
}

function keyedFlows(text: string): KeyedFlow[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const out: KeyedFlow[] = [];
  for (const item of parsed as unknown[]) {
    if (!Array.isArray(item) || item.length !== 3) return undefined;
    const [key, seconds, nanos] = item as unknown[];
    const time = { seconds, nanos };
    if (typeof key !== "string" || !isTime(time)) return undefined;
    out.push({ key, time });
  }
  return out;
}

function strings(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) && parsed.every((s): s is string => typeof s === "string") ? parsed : undefined;
}

/** The stream cursor of `source`; undefined when none was stored (or it cannot be read back). */
export function readStreamCursor(store: GraphStore, source: string): StreamCursor | undefined {
  const row = dbOf(store)
    .prepare("SELECT start_seconds, start_nanos, last_seconds, last_nanos, last_keys, open, pending FROM ingest_stream_cursors WHERE source = ?")
    .get(source) as Row | undefined; // the SELECT's columns
  if (!row) return undefined;
  const lastKeys = strings(row.last_keys);
  const open = keyedFlows(row.open);
  const pending = keyedFlows(row.pending);
  if (!lastKeys || !open || !pending) return undefined;
  return { start: { seconds: row.start_seconds, nanos: row.start_nanos }, last: { seconds: row.last_seconds, nanos: row.last_nanos }, lastKeys, open, pending };
}

/** The INSERT of a stream cursor, run inside a batch's transaction (see BatchFlusher). */
export const STREAM_CURSOR_SQL = `INSERT INTO ingest_stream_cursors (source, start_seconds, start_nanos, last_seconds, last_nanos, last_keys, open, pending, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (source) DO UPDATE SET start_seconds = excluded.start_seconds, start_nanos = excluded.start_nanos,
    last_seconds = excluded.last_seconds, last_nanos = excluded.last_nanos, last_keys = excluded.last_keys,
    open = excluded.open, pending = excluded.pending, updated_at = excluded.updated_at`;

const packed = (flows: readonly KeyedFlow[]): string => JSON.stringify(flows.map((f) => [f.key, f.time.seconds, f.time.nanos]));

/** The parameters of {@link STREAM_CURSOR_SQL}. */
export function streamCursorParams(source: string, c: StreamCursor, now: number): unknown[] {
  return [source, c.start.seconds, c.start.nanos, c.last.seconds, c.last.nanos, JSON.stringify(c.lastKeys), packed(c.open), packed(c.pending), now];
}
