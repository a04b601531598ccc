/**
 * The observed-traffic graph in SQLite: identities, edges with minute buckets (rolled up to
 * hours past the minute-resolution period) per verdict,
 * L7 detail, samples, lost events and the ingest cursor. SQL and row shapes stay here;
 * callers get the types below.
 */
export { HOUR_MS, L7_OVERFLOW, MAX_L7_PER_EDGE, MINUTE_MS, QUERY_MARK, bucketOf } from "./batch-aggregate.js";
export { ResumeFilter, cursorOf, readCursor } from "./cursor.js";
export type { IngestCursor, ResumeFilterOptions } from "./cursor.js";
export { readFileCursor } from "./cursor-file.js";
export type { FileCursor, StoredFileIdentity } from "./cursor-file.js";
export { readStreamCursor } from "./cursor-stream.js";
export { clearHeldTuples, readHeldTuples } from "./held-tuples.js";
export type { KeyedFlow, StreamCursor } from "./cursor-stream.js";
export { GraphStoreError } from "./errors.js";
export type { GraphStoreProblem } from "./errors.js";
export { GraphWriter } from "./graph-writer.js";
export type { GraphWriterOptions, GraphWriterStats } from "./graph-writer.js";
export { queryGraph } from "./graph-query.js";
export type {
  DnsSeen, EdgeSample, EdgeVariant, GraphFilter, GraphTotals, HttpSeen, ObservedEdge, ObservedGraph, ObservedIdentity, SideCount, SkippedIdentity,
  TopTalker, VerdictCounts,
} from "./graph-types.js";
export { methodOf, pathTemplate } from "./path-template.js";
export { dotString, graphToDot, graphToJson, graphToTable, windowLine, windowToJson } from "./render.js";
export { MINUTE_RESOLUTION_MS, RetentionRunner, retentionStep, runRetention } from "./retention.js";
export type { RetentionOptions } from "./retention.js";
export { SCHEMA_VERSION } from "./schema.js";
export { openGraphStore, probeGraphStore } from "./store.js";
export type { GraphStore, OpenGraphStoreOptions } from "./store.js";
export { edgeSamples, graphTotals, topTalkers } from "./summary-queries.js";
export { parseDuration, parseTimeBound, resolveWindow } from "./window.js";
export type { EffectiveWindow, TimeWindow } from "./window.js";
