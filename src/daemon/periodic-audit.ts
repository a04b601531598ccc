import type { Logger } from "pino";
import type { PolicySnapshot } from "../api/index.js";
import type { AuditorMetrics } from "../metrics/index.js";
import type { GenerationReady } from "./analysis-messages.js";
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

/**
 * Starts the periodic audit: re-read file policies, have the analysis start a new generation
 * with the current model (`refresh`: in `serve`, on the analysis thread, so this thread only
 * waits), and copy the cluster-wide audit into the metrics. Runs once right away; requests
 * while one runs coalesce into one more. A failing audit is logged and retried at the next tick.
 */
export function startPeriodicAudit(options: {
  readonly refresh: (snapshot: PolicySnapshot | undefined) => Promise<GenerationReady>;
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
        const ready = await options.refresh(options.policies.current());
        for (const problem of ready.problems) log.warn({ problem, generation: ready.generation }, "analysis problem");
        const audit = ready.audit;
        if (audit === undefined) continue;
        last = { atMs: ready.atMs, seconds: audit.seconds, findings: audit.findings };
        options.metrics?.observeAudit(audit.namespaces, audit.seconds);
        log.info({
          seconds: Number(audit.seconds.toFixed(3)), precomputeSeconds: Number(ready.precomputeSeconds.toFixed(3)),
          findings: audit.findings, edges: audit.edges, generation: ready.generation,
        }, "audit done");
      } while (rerun());
    } catch (err) {
      if (!stopped) log.error({ err }, "audit failed; retrying at the next interval");
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
