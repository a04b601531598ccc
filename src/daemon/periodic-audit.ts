import type { Logger } from "pino";
import type { Analysis } from "../api/index.js";
import type { AuditReport } from "../audit/index.js";
import type { AuditorMetrics, NamespaceAuditSummary } from "../metrics/index.js";
import type { DaemonPolicies } from "./daemon-policies.js";

/** The last periodic audit, as status reports it. */
export interface AuditRun {
  readonly atMs: number;
  readonly seconds: number;
  readonly findings: Readonly<Record<string, number>>;
}

/** Re-audits the graph every interval and on demand (policy changes), feeding the metrics. */
export interface PeriodicAudit {
  readonly last: AuditRun | undefined;
  readonly intervalMs: number;
  /** The audit's window, as given (`7d`). */
  readonly window: string;
  /** Runs an audit soon (coalesced with one already pending or running). */
  request(): void;
  stop(): void;
}

/** Per-namespace audit numbers the metrics keep as gauges. */
export function namespaceSummaries(report: AuditReport): NamespaceAuditSummary[] {
  const wouldBeDrops = new Map<string, number>();
  for (const f of report.findings) {
    if (f.kind === "would-be-drop") wouldBeDrops.set(f.namespace, (wouldBeDrops.get(f.namespace) ?? 0) + f.evidence.edges.length);
  }
  return report.readiness.map((r) => ({
    namespace: r.namespace,
    wouldBeDrops: wouldBeDrops.get(r.namespace) ?? 0,
    unusedAllows: r.findings["unused-allow"] ?? 0,
    readiness: r.survivingShare,
  }));
}

/**
 * Starts the periodic audit: re-read file policies, start a new analysis generation (the
 * API's findings and recommendations), and copy the cluster-wide audit into the metrics.
 * Runs once right away. A failing audit is logged and retried at the next tick.
 */
export function startPeriodicAudit(options: {
  readonly analysis: Analysis;
  readonly policies: DaemonPolicies;
  readonly metrics: AuditorMetrics | undefined;
  readonly intervalMs: number;
  readonly window: string;
  readonly log: Logger;
}): PeriodicAudit {
  const { log } = options;
  let last: AuditRun | undefined;
  let running = false;
  let again = false;
  let stopped = false;
  // Read through a function: `again` and `stopped` change while run() awaits.
  const rerun = (): boolean => again && !stopped;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await options.policies.reload();
        if (stopped) return;
        const t0 = performance.now();
        const report = options.analysis.refresh();
        const seconds = (performance.now() - t0) / 1000;
        if (report === undefined) continue;
        last = { atMs: report.generatedAtMs, seconds, findings: report.summary.findings };
        options.metrics?.observeAudit(namespaceSummaries(report), seconds);
        log.info({ seconds: Number(seconds.toFixed(3)), findings: report.summary.findings, edges: report.summary.edges }, "audit done");
      } while (rerun());
    } catch (err) {
      log.error({ err }, "audit failed; retrying at the next interval");
    } finally {
      running = false;
    }
  };
  const request = (): void => { void run(); };
  const timer = setInterval(request, options.intervalMs);
  timer.unref();
  request();
  return {
    get last() { return last; },
    intervalMs: options.intervalMs,
    window: options.window,
    request,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
