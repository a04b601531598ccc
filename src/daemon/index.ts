/**
 * The daemon `serve` runs, three threads: the main thread (policies, the audit schedule, the
 * HTTP API, metrics), the ingest thread (the Hubble stream into the graph) and the analysis
 * thread (audits, recommendations, what-if, explain), with the messages between them.
 */
export { runDaemon } from "./main-thread.js";
export type { DaemonIo, DaemonSettings } from "./main-thread.js";
export { KUBERNETES_POLICIES } from "./daemon-policies.js";
export { DEMO_POLICIES } from "./demo-policies.js";
export { AnalysisThread } from "./analysis-thread.js";
export type { AnalysisThreadOptions } from "./analysis-thread.js";
export type { AnalysisThreadConfig, FromAnalysis, GenerationReady, PolicyTransfer, ToAnalysis } from "./analysis-messages.js";
export { IngestThread, addTotals } from "./ingest-thread.js";
export type { IngestThreadOptions } from "./ingest-thread.js";
export type { FromIngest, IngestReport, IngestThreadConfig, StreamStateReport, ToIngest } from "./messages.js";
