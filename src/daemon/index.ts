export { IngestThread, INGEST_WORKER_URL, addTotals } from "./ingest-thread.js";
export type { IngestThreadOptions } from "./ingest-thread.js";
export type { FromIngest, IngestReport, IngestThreadConfig, StreamStateReport, ToIngest } from "./messages.js";
