import type { Logger } from "pino";
import { createApiApp, policyCounts, startApiServer } from "../api/index.js";
import type { AnalysisService, ApiServer, DaemonStatus, HealthCheck } from "../api/index.js";
import { toMillis } from "../flows/index.js";
import { probeGraphStore } from "../graph/index.js";
import { behindSeconds } from "./messages.js";
import type { IngestReport } from "./messages.js";
import { sqliteFileBytes } from "../metrics/index.js";
import type { DaemonGraph } from "./daemon-graph.js";
import type { DaemonPolicies } from "./daemon-policies.js";
import type { PeriodicAudit } from "./periodic-audit.js";

/** How long the Hubble stream may stay disconnected (reconnecting) before the daemon reports not ready. */
export const STREAM_RETRY_LIMIT_MS = 5 * 60_000;

/** What the API reports about ingestion: the ingest thread's latest report; undefined before the first. */
export interface IngestView {
  readonly latest: () => IngestReport | undefined;
}

/** Options of {@link startDaemonApi}. */
export interface DaemonApiOptions {
  /** The daemon's version, as status reports it. */
  readonly version: string;
  readonly listen: string;
  readonly token: string | undefined;
  readonly graph: DaemonGraph;
  readonly retention: string;
  readonly policies: DaemonPolicies;
  /** The analysis thread. */
  readonly analysis: AnalysisService;
  readonly audit: PeriodicAudit;
  readonly ingest: IngestView;
  readonly log: Logger;
}

/** Builds the status document and readiness checks from the daemon's parts and serves the API. */
export async function startDaemonApi(options: DaemonApiOptions): Promise<ApiServer> {
  const startedAt = new Date().toISOString();
  const { version } = options;
  const { ingest, graph } = options;
  let downSinceMs: number | undefined;

  // Readiness reasons are public (/readyz answers without a token): they say what failed,
  // never where files live, which address the relay has or what its error text says.
  const streamCheck = (): HealthCheck => {
    const state = ingest.latest()?.stream;
    if (state === undefined) return { name: "hubble-stream", ok: false, reason: "not started yet" };
    if (state.status === "connected" || (state.status === "connecting" && state.reconnects === 0)) {
      downSinceMs = undefined;
      return { name: "hubble-stream", ok: true, reason: state.status };
    }
    if (state.status === "stopped") return { name: "hubble-stream", ok: false, reason: "the stream has stopped" };
    if (state.status === "stalled") {
      downSinceMs = undefined;
      return { name: "hubble-stream", ok: false, reason: "stalled: connected, but nothing arrives while Hubble sees flows (or does not answer ServerStatus)" };
    }
    downSinceMs ??= Date.now();
    const downMs = Date.now() - downSinceMs;
    return {
      name: "hubble-stream", ok: downMs < STREAM_RETRY_LIMIT_MS,
      reason: `reconnecting for ${Math.round(downMs / 1000)}s (not ready after ${STREAM_RETRY_LIMIT_MS / 1000}s); /status has the last error`,
    };
  };
  const checks = (): readonly HealthCheck[] => {
    const db = probeGraphStore(graph.store);
    return [
      { name: "database", ok: db === undefined, reason: db === undefined ? "open" : `does not answer a query (${db})` },
      options.policies.check(),
      streamCheck(),
    ];
  };
  const status = (): DaemonStatus => {
    const report = ingest.latest();
    const state = report?.stream;
    const last = state?.lastFlowTime === undefined ? undefined : toMillis(state.lastFlowTime);
    const snapshot = options.policies.current();
    const policies = ((): DaemonStatus["policies"] => {
      if (snapshot === undefined) return null;
      const { loadedAtMs, ...counts } = policyCounts(snapshot);
      return { ...counts, loadedAt: new Date(loadedAtMs).toISOString(), source: options.policies.description };
    })();
    const audit = options.audit.last;
    const totals = report?.totals;
    return {
      version, startedAt,
      stream: {
        address: state?.address ?? "", status: state?.status ?? "starting",
        lastFlowTime: last === undefined ? null : new Date(last).toISOString(),
        lagSeconds: last === undefined ? null : Math.max(0, (Date.now() - last) / 1000),
        behindSeconds: behindSeconds(state?.lastFlowTime, report?.committedFlowTime) ?? null,
        paused: state?.paused ?? false, queued: state?.queued ?? 0,
        reconnects: state?.reconnects ?? 0, lostEvents: state?.lostEvents ?? {}, lastError: state?.lastErrorMessage ?? null,
      },
      ingest: {
        flows: totals?.flows ?? 0, connections: totals?.connections ?? 0, lostEvents: totals?.lostEvents ?? 0, skipped: report?.skipped ?? 0,
        storedConnections: report?.storedConnections ?? 0, unknownDirection: totals?.unknownDirection ?? 0,
      },
      graph: { file: graph.store.file, bytes: sqliteFileBytes(graph.store.file) ?? null, retention: options.retention },
      policies,
      audit: {
        lastRunAt: audit === undefined ? null : new Date(audit.atMs).toISOString(), durationSeconds: audit?.seconds ?? null,
        intervalSeconds: options.audit.intervalMs / 1000, window: options.audit.window, findings: audit?.findings ?? {},
      },
    };
  };
  const app = createApiApp({ analysis: options.analysis, status, checks, logger: options.log, token: options.token });
  return startApiServer(app, options.listen);
}
