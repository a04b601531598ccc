import { AggregatorRegistry } from "prom-client";
import { bearerAuth } from "../api/index.js";
import { createMetrics, startMetricsServer } from "../metrics/index.js";
import type { AuditorMetrics, MetricsServer } from "../metrics/index.js";

/** The main thread's metrics with their endpoint; the ingest thread's are merged into each scrape. */
export interface DaemonMetrics {
  /** The main thread's own: audits, ingest thread restarts, the process. */
  readonly metrics: AuditorMetrics;
  readonly server: MetricsServer;
  /** Stops serving; open scrapes are cut. */
  close(): Promise<void>;
}

function isMetricList(value: unknown): value is object[] {
  return Array.isArray(value) && value.every((m) => typeof m === "object" && m !== null && "name" in m && "values" in m);
}

/**
 * Creates the main thread's metrics and serves them at `http://<listen>/metrics` together
 * with the ingest thread's (`ingestMetrics`: its `getMetricsAsJSON()`), summed metric by
 * metric: each thread sets its own instruments and leaves the other's at zero. With a `token`,
 * a scrape needs `Authorization: Bearer <token>`, as the API does. Throws a MetricsServerError
 * when the address cannot be bound.
 */
export async function startDaemonMetrics(listen: string, token: string | undefined, ingestMetrics: () => Promise<unknown>): Promise<DaemonMetrics> {
  const metrics = createMetrics();
  const exposition = {
    contentType: metrics.registry.contentType,
    metrics: async (): Promise<string> => {
      const [own, ingest] = await Promise.all([metrics.registry.getMetricsAsJSON(), ingestMetrics()]);
      return AggregatorRegistry.aggregate([own, isMetricList(ingest) ? ingest : []]).metrics();
    },
  };
  const server = await startMetricsServer({ listen, registry: exposition, ...(token === undefined ? {} : { guard: bearerAuth(token) }) });
  return { metrics, server, close: () => server.close() };
}
