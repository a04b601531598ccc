import { Registry, collectDefaultMetrics } from "prom-client";
import type { Connection } from "../flows/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import { setAuditGauges } from "./audit.js";
import type { NamespaceAuditSummary } from "./audit.js";
import { BoundedLabel } from "./bounded-label.js";
import { CumulativeDeltas } from "./cumulative.js";
import { createInstruments } from "./instruments.js";
import type { Instruments } from "./instruments.js";
import { copyStreamState } from "./stream.js";
import type { StreamHealthSnapshot } from "./stream.js";
import type { StreamSnapshot } from "./stream.js";
import { countConnections, countEvents } from "./traffic.js";
import type { TrafficContext } from "./traffic.js";
import { recordFlush, recordWriterStats } from "./writer.js";
import type { WriterFlush, WriterStatsSnapshot } from "./writer.js";

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Namespaces with their own label value, busiest first (default 20); the rest are `other`. */
  readonly namespaceLimit?: number;
  /** Register prom-client's default process and Node.js metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** Where the wall clock comes from (ms since the epoch); default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The daemon's Prometheus metrics: a registry of its own (not prom-client's global one) and
 * methods that update it from what the daemon already computes. Every method is cheap and
 * synchronous; none keeps per-flow state.
 */
export class AuditorMetrics {
  readonly registry: Registry;
  readonly instruments: Instruments;
  /** The namespace label's top-N bound, shared by every namespace-labelled metric. */
  readonly namespaces: BoundedLabel;
  private readonly deltas = new CumulativeDeltas();
  private readonly traffic: TrafficContext;
  private readonly now: () => number;
  private lastFlowSeconds = 0;

  constructor(options: MetricsOptions = {}) {
    this.registry = new Registry();
    this.instruments = createInstruments(this.registry);
    this.namespaces = new BoundedLabel({ limit: options.namespaceLimit ?? 20 });
    this.traffic = { instruments: this.instruments, namespaces: this.namespaces, dropSeries: new Map() };
    this.now = options.now ?? Date.now;
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts a batch of Hubble events (flows by verdict and type) and sets the ingest lag. */
  observeEvents(events: readonly HubbleEvent[]): void {
    const newestMs = countEvents(this.instruments, events);
    if (newestMs === undefined) return;
    this.instruments.ingestLag.set(Math.max(0, (this.now() - newestMs) / 1000));
    this.raiseLastFlow(newestMs / 1000);
  }

  /** Counts connection events; has the shape of the ingest loop's `ConnectionSink`. */
  accept(connections: readonly Connection[]): void {
    countConnections(this.traffic, connections);
  }

  /** Copies a stream state snapshot (call it periodically, e.g. with each summary line). */
  observeStream(state: StreamSnapshot): void {
    const last = copyStreamState(this.instruments, this.deltas, state);
    if (last !== undefined) this.raiseLastFlow(last);
  }

  /** Records what a stream watch concluded: stalled now, and its cumulative stall and disconnect counts. */
  observeStreamHealth(health: StreamHealthSnapshot): void {
    this.instruments.streamStalled.set(health.stalled ? 1 : 0);
    this.instruments.streamStalls.inc(this.deltas.delta("stalls", health.stalls));
    this.instruments.streamDisconnects.inc(this.deltas.delta("disconnects", health.disconnects));
  }

  /** Sets how far (seconds of flow time) the committed graph is behind the newest flow received; undefined: nothing received yet. */
  observeBehind(seconds: number | undefined): void {
    this.instruments.ingestBehind.set(seconds ?? 0);
  }

  /** Records one graph writer flush exactly. */
  observeWriterFlush(flush: WriterFlush): void {
    recordFlush(this.instruments, flush);
  }

  /** Records the flushes a writer's cumulative stats show since the previous call. */
  observeWriterStats(stats: WriterStatsSnapshot): void {
    recordWriterStats(this.instruments, this.deltas, stats);
  }

  /**
   * Replaces the audit gauges with the latest audit, after re-ranking the namespace label
   * (so the label follows the busiest namespaces at the audit's pace). `durationSeconds`
   * undefined: the audit's duration is not recorded.
   */
  observeAudit(audit: readonly NamespaceAuditSummary[], durationSeconds?: number): void {
    this.rebalanceNamespaces();
    setAuditGauges(this.instruments, this.namespaces, audit);
    if (durationSeconds !== undefined) this.instruments.auditDuration.observe(Math.max(0, durationSeconds));
  }

  /** Sets the database size (`undefined`: unknown, left as it was). */
  observeDbSize(bytes: number | undefined): void {
    if (bytes !== undefined && Number.isFinite(bytes)) this.instruments.dbSize.set(Math.max(0, bytes));
  }

  /**
   * Gives namespace label values to the busiest namespaces; the series of namespaces that
   * lose theirs are removed (their later traffic counts under `other`).
   */
  rebalanceNamespaces(): void {
    const { evicted } = this.namespaces.rebalance();
    for (const namespace of evicted) {
      for (const labels of this.traffic.dropSeries.get(namespace)?.values() ?? []) {
        this.instruments.policyDrops.remove({ namespace, ...labels });
      }
      this.traffic.dropSeries.delete(namespace);
    }
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  private raiseLastFlow(seconds: number): void {
    // Late or resumed flows can be older than one already seen; the gauge never goes back.
    if (seconds <= this.lastFlowSeconds) return;
    this.lastFlowSeconds = seconds;
    this.instruments.lastFlowTimestamp.set(seconds);
  }
}

/** Creates the daemon's metrics (see {@link AuditorMetrics}). */
export function createMetrics(options: MetricsOptions = {}): AuditorMetrics {
  return new AuditorMetrics(options);
}
