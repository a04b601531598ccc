/**
 * The daemon's main thread: the policy model, the HTTP API and /metrics, the schedule of
 * periodic audits, the demo's replay server; and the two threads it starts and stops: the
 * ingest thread (the stream into the graph, see ingest-thread.ts) and the analysis thread
 * (audits, recommendations and the API's analysis answers, see analysis-thread.ts). `serve` parses its flags into
 * {@link DaemonSettings} and calls {@link runDaemon}.
 */
import type { Logger } from "pino";
import type { ApiServer } from "../api/index.js";
import type { ClientTlsOptions } from "../hubble/grpc/index.js";
import { formatSummaryLine } from "../ingest/index.js";
import type { SemanticsName } from "../policy/index.js";
import { AnalysisThread } from "./analysis-thread.js";
import { startDaemonApi } from "./daemon-api.js";
import type { IngestView } from "./daemon-api.js";
import { openDaemonGraph } from "./daemon-graph.js";
import { startDaemonMetrics } from "./daemon-metrics.js";
import { startDaemonPolicies } from "./daemon-policies.js";
import { ensureDemoCapture, startDemoReplay } from "./demo.js";
import { ensureDemoPolicies } from "./demo-policies.js";
import { IngestThread } from "./ingest-thread.js";
import type { IngestReport } from "./messages.js";
import { startPeriodicAudit } from "./periodic-audit.js";
import type { PeriodicAudit } from "./periodic-audit.js";

/** Everything the daemon runs with, checked by the caller. */
export interface DaemonSettings {
  readonly version: string;
  /** Hubble address (ignored with `demo`, which serves its own on loopback). */
  readonly hubble: string;
  readonly tls: ClientTlsOptions | undefined;
  readonly demo: boolean;
  /** `k8s` or policy paths; empty: the demo's sample policies. */
  readonly policies: readonly string[];
  readonly kube: { readonly kubeconfig?: string; readonly context?: string };
  readonly semantics: SemanticsName;
  readonly dataDir: string;
  /** Graph database file; undefined: `<dataDir>/hubble-auditor.db`. */
  readonly db: string | undefined;
  /** `--retention` as given, for status; and in ms (0 keeps everything). */
  readonly retention: string;
  readonly retentionMs: number;
  /** API listen address; undefined: no API. */
  readonly listen: string | undefined;
  readonly token: string | undefined;
  /** Metrics listen address; undefined: no metrics. */
  readonly metricsListen: string | undefined;
  /** Silence of a connected stream after which Hubble is asked whether flows arrive (`--stall-after`), in ms. */
  readonly stallAfterMs: number;
  /** Bearer token /metrics requires; undefined: metrics are open. */
  readonly metricsToken: string | undefined;
  readonly auditIntervalMs: number;
  /** The audit's window as given (`7d`). */
  readonly auditWindow: string;
  /** Seconds between summary lines. */
  readonly summaryIntervalSeconds: number;
}

/** Where the daemon writes and what stops it. */
export interface DaemonIo {
  readonly log: Logger;
  /** Summary lines and the URLs it serves (stdout). */
  readonly write: (text: string) => void;
  /** Aborted: stop cleanly. */
  readonly signal: AbortSignal;
}

/** Runs the daemon until `io.signal` aborts (or the stream ends); everything started is stopped again. */
export async function runDaemon(settings: DaemonSettings, io: DaemonIo): Promise<void> {
  const { log, write } = io;
  const cleanup: (() => Promise<void> | void)[] = [];
  let ingestThread: IngestThread | undefined;
  const onAbort = (): void => { void ingestThread?.stop(); };
  io.signal.addEventListener("abort", onAbort, { once: true });
  try {
    // Policies and the graph open first: a policy path that is missing or unreadable, or a
    // database that cannot be used, stops the daemon before it starts.
    const sources = settings.policies.length > 0 ? settings.policies : [ensureDemoPolicies(settings.dataDir)];
    const auditRef: { current?: PeriodicAudit } = {};
    const policies = await startDaemonPolicies({
      sources, semantics: settings.semantics, log, kube: settings.kube,
      onChange: () => { auditRef.current?.request(); },
    });
    cleanup.push(() => policies.stop());
    const graph = openDaemonGraph({
      db: settings.db, dataDir: settings.dataDir, log,
      source: settings.demo ? "hubble:demo" : `hubble:${settings.hubble}`,
    });
    cleanup.push(() => { graph.close(); });
    const ingestRef: { current?: IngestThread } = {};
    // Set once the metrics endpoint is up; the ingest thread starts before it.
    const metricsRef: { current?: Awaited<ReturnType<typeof startDaemonMetrics>> } = {};
    let address = settings.hubble;
    if (settings.demo) {
      const capture = await ensureDemoCapture(settings.dataDir, log);
      const replay = await startDemoReplay(capture);
      cleanup.push(() => replay.close());
      address = replay.address;
      write(`demo: replaying ${capture} on ${address} (loopback gRPC, live, looping); policies from ${sources.join(", ")}\n`);
    }
    // The stream, tracking and the graph writer run on the ingest thread: nothing here
    // (API requests, audits, scrapes) can hold up reading Hubble. It starts as soon as the
    // graph is open, while the analysis thread and the API start: a restart reads on sooner.
    const thread = new IngestThread({
      config: {
        address, tls: settings.tls, db: graph.store.file, source: graph.source, retentionMs: settings.retentionMs,
        reportMs: Math.min(1_000, settings.summaryIntervalSeconds * 1000), rebalanceMs: settings.auditIntervalMs,
        stallAfterMs: settings.stallAfterMs,
      },
      log,
      onCrash: () => { metricsRef.current?.metrics.instruments.ingestThreadRestarts.inc(); },
    });
    ingestRef.current = thread;
    ingestThread = thread;
    if (io.signal.aborted) return;
    thread.start();
    // A failure starting what follows (a listen address in use) stops it again.
    cleanup.push(() => thread.stop());
    const metrics = settings.metricsListen === undefined
      ? undefined
      : await startDaemonMetrics(settings.metricsListen, settings.metricsToken, () => ingestRef.current?.metricsJson() ?? Promise.resolve([]));
    if (metrics) {
      metricsRef.current = metrics;
      cleanup.push(() => metrics.close());
      write(`metrics: ${metrics.server.url}\n`);
    }
    // Audits, recommendations and every analysis request run on the analysis thread, over
    // its own read-only connection: neither the API here nor the ingest thread waits for them.
    const analysis = new AnalysisThread({
      config: { db: graph.store.file, defaultSince: settings.auditWindow, semantics: settings.semantics },
      log,
      onCrash: () => { metrics?.metrics.instruments.analysisThreadRestarts.inc(); },
      onRestart: () => { auditRef.current?.request(); },
    }).start();
    cleanup.push(() => analysis.stop());
    const audit = startPeriodicAudit({ refresh: (snapshot) => analysis.refresh(snapshot), policies, metrics: metrics?.metrics, intervalMs: settings.auditIntervalMs, window: settings.auditWindow, log });
    auditRef.current = audit;
    cleanup.push(() => { audit.stop(); });
    const ingest: IngestView = { latest: () => ingestRef.current?.latest };
    let api: ApiServer | undefined;
    if (settings.listen !== undefined) {
      const server = await startDaemonApi({
        version: settings.version, listen: settings.listen, token: settings.token, graph, retention: settings.retention, policies, analysis, audit, ingest, log,
      });
      api = server;
      cleanup.push(() => server.close());
      write(`api: ${server.url}/api/v1\nhealth: ${server.url}/healthz ${server.url}/readyz · OpenAPI: ${server.url}/api/v1/openapi.json\n`);
    }
    log.info({ address, db: graph.store.file, api: api?.url, metrics: metrics?.server.url, policies: policies.description }, "daemon started: the ingest thread reads Hubble");
    await withSummaryLines(thread, { interval: settings.summaryIntervalSeconds, write });
  } finally {
    io.signal.removeEventListener("abort", onAbort);
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (err) {
        log.warn({ err }, "shutdown step failed");
      }
    }
    log.info({}, "stopped");
  }
}

/** Prints a summary line every `interval` seconds, and a last one, while the ingest thread runs. */
async function withSummaryLines(thread: IngestThread, options: { interval: number; write: (text: string) => void }): Promise<void> {
  let lastFlows = 0;
  let lastAt = Date.now();
  const print = (report: IngestReport | undefined): void => {
    if (report === undefined) return;
    const now = Date.now();
    const rate = ((report.totals.flows - lastFlows) * 1000) / Math.max(1, now - lastAt);
    lastFlows = report.totals.flows;
    lastAt = now;
    options.write(`${formatSummaryLine(report.totals, rate, report.stream.status)} · graph ${report.storedConnections.toLocaleString("en-US")} connections stored\n`);
  };
  const timer = setInterval(() => { print(thread.latest); }, options.interval * 1000);
  try {
    await thread.done;
  } finally {
    clearInterval(timer);
    print(thread.latest);
  }
}
