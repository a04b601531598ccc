/**
 * Hubble flow-log files: exporter output and `hubble observe -o jsonpb` / `-o json` dumps.
 * Yields each JSON object with its file and line; decoding objects into flows is not done here.
 *
 *   const reader = readFlowFile(path, { follow, signal, logger, onProblem });
 *   for await (const { value, file, line } of reader) { ... }
 *   reader.stats  // live counters: bytesRead, fileBytes, lines, records, rejected, rotations
 *
 * Input: NDJSON (one GetFlowsResponse / exporter event / legacy bare Flow per line) or a
 * JSON array of the same objects, compact or pretty-printed; either may be gzip-compressed
 * (detected by magic bytes). The format is told from the first non-whitespace byte. "-" reads
 * stdin (injectable through `options.stdin`).
 *
 * Follow: tails the file like `tail -F`, across rotation by rename-and-recreate (the old file
 * is read to its end first) and truncation in place; ends cleanly when `signal` aborts.
 *
 * Limits and failures: reading is pull-based, so a slow consumer pauses it; a line or array
 * element over `maxRecordBytes` (1 MiB) is skipped. Content problems (`FileProblem`: malformed
 * or non-object JSON, oversize records, truncated arrays, truncated or damaged gzip) are
 * counted, passed to `onProblem`, logged at most once per interval, and never stop the read.
 * A file that cannot be opened or read makes the iteration throw `FlowFileError`.
 */
export { FlowFileError } from "./errors.js";
export type { FileProblem, FileProblemKind } from "./problem.js";
export type { FileReadStats } from "./stats.js";
export type { FileIdentity } from "./file-identity.js";
export {
  readFlowFile,
  type FileRecord,
  type FileStart,
  type RecordPosition,
  type FlowFileReader,
  type ReadFlowFileOptions,
} from "./read-flow-file.js";
