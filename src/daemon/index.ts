/**
 * The daemon `serve` runs: a main thread (policies, audits, the HTTP API, metrics) and an
 * ingest thread (the Hubble stream into the graph), and the messages between them.
 */
export { runDaemon } from "./main-thread.js";
export type { DaemonIo, DaemonSettings } from "./main-thread.js";
export { KUBERNETES_POLICIES } from "./daemon-policies.js";
export { DEMO_POLICIES } from "./demo-policies.js";
export { IngestThread, addTotals } from "./ingest-thread.js";
export type { IngestThreadOptions } from "./ingest-thread.js";
export type { FromIngest, IngestReport, IngestThreadConfig, StreamStateReport, ToIngest } from "./messages.js";
