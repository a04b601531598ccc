export { runIngestLoop } from "./ingest-loop.js";
export type { ConnectionSink, IngestLoopOptions } from "./ingest-loop.js";
export { IngestSummary, formatSummaryLine } from "./ingest-summary.js";
export type { IngestTotals } from "./ingest-summary.js";
export { persistFlows, resumableBatches } from "./persist-flows.js";
export type { PersistFlowsOptions, PersistResult } from "./persist-flows.js";
export { FileProgress, REREAD_MS } from "./file-progress.js";
export { StreamProgress } from "./stream-progress.js";
