/**
 * The daemon's Prometheus face: a registry with low-cardinality instruments, updated from
 * event and connection batches, stream state, writer flushes and audits; and an HTTP
 * endpoint serving it. Names, labels and meaning: grafana/METRICS.md.
 */
export { AuditorMetrics, createMetrics } from "./auditor-metrics.js";
export type { MetricsOptions } from "./auditor-metrics.js";
export type { NamespaceAuditSummary } from "./audit.js";
export { BoundedLabel } from "./bounded-label.js";
export type { BoundedLabelOptions, Rebalance } from "./bounded-label.js";
export { sqliteFileBytes } from "./db-size.js";
export { METRIC_PREFIX } from "./instruments.js";
export type { Instruments } from "./instruments.js";
export { NO_NAMESPACE, OTHER, POLICY_DROP_REASONS } from "./label-values.js";
export { listenHttp } from "./http-listen.js";
export type { BoundHttpServer } from "./http-listen.js";
export { isLoopbackListen, parseListenAddress } from "./listen-address.js";
export type { ListenAddress } from "./listen-address.js";
export { MetricsServerError, metricsHandler, startMetricsServer } from "./metrics-server.js";
export type { Exposition, MetricsServer, MetricsServerOptions } from "./metrics-server.js";
export type { StreamHealthSnapshot, StreamSnapshot } from "./stream.js";
export { tapEvents, teeSink } from "./taps.js";
export type { ConnectionObserver, EventObserver } from "./taps.js";
export type { WriterFlush, WriterStatsSnapshot } from "./writer.js";
