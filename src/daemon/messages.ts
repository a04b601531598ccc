/**
 * The messages between the daemon's main thread and its ingest thread. Everything here is
 * plain data (structured clone): no class instances, no functions.
 */
import { toMillis } from "../flows/index.js";
import type { Timestamp } from "../flows/index.js";
import type { StreamHealth } from "../hubble/grpc/index.js";
import type { IngestTotals } from "../ingest/index.js";
import type { ClientTlsOptions } from "../hubble/grpc/index.js";

/** What the ingest thread is started with (its `workerData`). */
export interface IngestThreadConfig {
  /** Marks the data as an ingest thread's: the module starts only in a worker given this. */
  readonly kind: "ingest-thread";
  /** Hubble address: `host:port`, `tls://host:port` or `unix:///path`. */
  readonly address: string;
  readonly tls: ClientTlsOptions | undefined;
  /** The graph database file, already opened (and migrated) once by the main thread. */
  readonly db: string;
  /** Name of the ingest cursor (`hubble:<address>`). */
  readonly source: string;
  /** Observed history kept; 0 keeps everything. Retention runs in the ingest thread, the graph's only writer. */
  readonly retentionMs: number;
  /** How often the thread reports its state and counters, in ms. */
  readonly reportMs: number;
  /** How often the namespace label of its metrics is re-ranked, in ms. */
  readonly rebalanceMs: number;
  /** Silence after which the stream's server is asked whether flows are arriving (`--stall-after`), in ms. */
  readonly stallAfterMs: number;
}

/** The stream's state as the main thread needs it for status, readiness and summary lines. */
export interface StreamStateReport {
  /** The stream's status, or `stalled` (connected, but nothing arrives while the server sees flows). */
  readonly status: StreamHealth;
  readonly address: string;
  readonly lastErrorMessage: string | undefined;
  readonly reconnects: number;
  readonly lastFlowTime: Timestamp | undefined;
  readonly lostEvents: Readonly<Record<string, number>>;
  readonly paused: boolean;
  readonly queued: number;
}

/** The ingest thread's periodic report: exact cumulative figures, replaced whole each time. */
export interface IngestReport {
  readonly type: "report";
  readonly stream: StreamStateReport;
  readonly totals: IngestTotals;
  /** Flows skipped because the graph already held them (a resume). */
  readonly skipped: number;
  /** Connections the writer has stored. */
  readonly storedConnections: number;
  /** Flow time of the newest flow committed to the graph (with everything before it); undefined before the first commit. */
  readonly committedFlowTime: Timestamp | undefined;
  /** When the report was made (ms since the epoch). */
  readonly atMs: number;
}

/** Messages from the ingest thread. */
export type FromIngest =
  | IngestReport
  /** The thread's metrics as `Registry.getMetricsAsJSON()` gives them, answering a request. */
  | { readonly type: "metrics"; readonly id: number; readonly json: unknown }
  /** The thread cannot run (the database cannot be opened, ...): it ends after this. */
  | { readonly type: "failed"; readonly message: string }
  /** A clean stop is done: the stream ended, the writer flushed, the store closed. */
  | { readonly type: "stopped" };

/** Messages to the ingest thread. */
export type ToIngest = { readonly type: "metrics"; readonly id: number } | { readonly type: "stop" };

/** Flow time (seconds) from `committed` to `newest`; undefined until both are known. */
export function behindSeconds(newest: Timestamp | undefined, committed: Timestamp | undefined): number | undefined {
  if (newest === undefined || committed === undefined) return undefined;
  return Math.max(0, (toMillis(newest) - toMillis(committed)) / 1000);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Whether a worker's data is an ingest thread's configuration. */
export function isIngestThreadConfig(value: unknown): value is IngestThreadConfig {
  return isRecord(value) && value.kind === "ingest-thread" && typeof value.address === "string" && typeof value.db === "string"
    && typeof value.source === "string" && typeof value.retentionMs === "number" && typeof value.reportMs === "number"
    && typeof value.rebalanceMs === "number" && typeof value.stallAfterMs === "number";
}

/** Narrows a message received from the ingest thread; undefined for anything else. */
export function fromIngest(value: unknown): FromIngest | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "report":
      return isRecord(value.stream) && isRecord(value.totals) ? (value as unknown as IngestReport) : undefined; // checked: a report of ours
    case "metrics":
      return typeof value.id === "number" ? { type: "metrics", id: value.id, json: value.json } : undefined;
    case "failed":
      return typeof value.message === "string" ? { type: "failed", message: value.message } : undefined;
    case "stopped":
      return { type: "stopped" };
    default:
      return undefined;
  }
}

/** Narrows a message received by the ingest thread; undefined for anything else. */
export function toIngest(value: unknown): ToIngest | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === "stop") return { type: "stop" };
  if (value.type === "metrics" && typeof value.id === "number") return { type: "metrics", id: value.id };
  return undefined;
}
