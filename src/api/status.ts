import type { PolicyCounts } from "./policy-snapshot.js";

/** One readiness check: what was checked, whether it passed, and why (always said). */
export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly reason: string;
}

/** The daemon's state as `GET /api/v1/status` reports it (times as RFC 3339). */
export interface DaemonStatus {
  readonly version: string;
  readonly startedAt: string;
  readonly stream: {
    readonly address: string;
    readonly status: string;
    readonly lastFlowTime: string | null;
    /** Seconds between now and the newest flow's time; null before the first flow. */
    readonly lagSeconds: number | null;
    /**
     * Flow time between the newest flow received and the newest committed to the graph: how
     * far the writer is behind the stream head; null before the first commit.
     */
    readonly behindSeconds: number | null;
    /** True while reading the stream is paused because ingestion is behind (gRPC flow control). */
    readonly paused: boolean;
    /** Events received and waiting for the ingest loop (bounded: reading pauses when full). */
    readonly queued: number;
    readonly reconnects: number;
    /** Events Hubble reported lost, by source (cumulative over this run). */
    readonly lostEvents: Readonly<Record<string, number>>;
    readonly lastError: string | null;
  };
  readonly ingest: {
    readonly flows: number;
    readonly connections: number;
    readonly lostEvents: number;
    /** Flows skipped because an earlier run had stored them. */
    readonly skipped: number;
    /** Connections the graph writer has flushed to the database. */
    readonly storedConnections: number;
    /** Packets whose direction no record settled: counted on their edge, not as connections. */
    readonly unknownDirection: number;
  };
  readonly graph: { readonly file: string; readonly bytes: number | null; readonly retention: string };
  readonly policies: (Omit<PolicyCounts, "loadedAtMs"> & { readonly loadedAt: string; readonly source: string }) | null;
  readonly audit: {
    readonly lastRunAt: string | null;
    readonly durationSeconds: number | null;
    readonly intervalSeconds: number;
    readonly window: string;
    readonly findings: Readonly<Record<string, number>>;
  };
}
