import type { Logger } from "pino";
import { untilAborted } from "./abortable.js";
import { splitJsonArray } from "./array-splitter.js";
import { GzipStreamError, gunzipChunks, isGzip } from "./gunzip.js";
import { peekBytes, skipLeadingSpace } from "./head.js";
import { LineCursor } from "./line-cursor.js";
import { splitNdjson } from "./ndjson-splitter.js";
import type { Piece } from "./piece.js";
import type { FileProblem } from "./problem.js";
import {
  createProblemReporter,
  type ProblemReporter,
} from "./problem-reporter.js";
import { parseRecord } from "./parse-record.js";
import { openSegments } from "./sources.js";
import {
  createFileReadStats,
  type FileReadStats,
  type MutableFileReadStats,
} from "./stats.js";

/** One JSON object read from a flow-log file, not yet decoded, with where it was found. */
export interface FileRecord {
  /** The parsed object: a GetFlowsResponse, an exporter event, or a bare legacy Flow. */
  readonly value: Readonly<Record<string, unknown>>;
  /** The path as given; "-" for stdin. */
  readonly file: string;
  /** 1-based line the object starts on; restarts at 1 in a new file after rotation. */
  readonly line: number;
}

/** Options for {@link readFlowFile}; every one may be left out. */
export interface ReadFlowFileOptions {
  /** Keep reading as the file grows and across rotation, until `signal` aborts. Default false. */
  readonly follow?: boolean;
  /** Ends reading cleanly (the iteration just stops); undefined: read to the end. */
  readonly signal?: AbortSignal;
  /** Hears every content problem, unthrottled; undefined: problems are only counted and logged. */
  readonly onProblem?: (problem: FileProblem) => void;
  /** Throttled warnings about problems, rotation at info; undefined: no logging. */
  readonly logger?: Logger;
  /** Longest wait for new data in follow mode before looking again. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Longest line or array element accepted, in bytes. Default 1 MiB. */
  readonly maxRecordBytes?: number;
  /** At most one problem warning per this many milliseconds. Default 1000. */
  readonly problemLogIntervalMs?: number;
  /** Read when the path is "-"; undefined: `process.stdin`. */
  readonly stdin?: AsyncIterable<Buffer | Uint8Array | string>;
}

/** The records of one flow-log file (iterate once) and live counters for progress output. */
export interface FlowFileReader extends AsyncIterable<FileRecord> {
  readonly stats: FileReadStats;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Reads a Hubble flow-log file and yields each JSON object in it. Accepts NDJSON (what
 * `hubble observe -o jsonpb` and the Hubble exporter write) and a JSON array of the same
 * objects, either plain or gzip-compressed (told by the gzip magic bytes, whatever the file
 * name); the format is told from the first non-whitespace byte. "-" reads stdin.
 *
 * Pull-based: nothing is read ahead of the consumer beyond a chunk or two, and no line or
 * element longer than `maxRecordBytes` is held. Bad content is reported through `onProblem`
 * and the log, counted, and skipped; a damaged gzip stream ends that file after what came
 * before it. A file that cannot be opened or read throws a `FlowFileError` from the
 * iteration.
 */
export function readFlowFile(
  path: string,
  options: ReadFlowFileOptions = {},
): FlowFileReader {
  const stats = createFileReadStats();
  const reporter = createProblemReporter({
    onProblem: options.onProblem,
    logger: options.logger,
    logIntervalMs: options.problemLogIntervalMs ?? 1000,
    now: () => Date.now(),
  });
  let started = false;
  return {
    stats,
    [Symbol.asyncIterator]() {
      if (started)
        throw new Error("a flow file reader can be iterated only once");
      started = true;
      const records = readRecords(path, options, stats, reporter);
      return untilAborted(records, options.signal)[Symbol.asyncIterator]();
    },
  };
}

async function* readRecords(
  path: string,
  options: ReadFlowFileOptions,
  stats: MutableFileReadStats,
  reporter: ProblemReporter,
): AsyncGenerator<FileRecord> {
  const { logger, signal } = options;
  const segments = openSegments(path, {
    follow: options.follow ?? false,
    signal,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    stdin: options.stdin ?? process.stdin,
    onBytes: (count) => {
      stats.bytesRead += count;
    },
    onOpen: (size) => {
      stats.fileBytes = size;
    },
    onRotate: (kind) => {
      stats.rotations += 1;
      logger?.info(
        { file: path, rotation: kind },
        "flow file rotated, reading the new file",
      );
    },
  });
  const report = (problem: FileProblem): void => {
    if (signal?.aborted === true) return; // a cut made by stopping is not bad input
    stats.rejected += 1;
    reporter.report(problem);
  };
  try {
    for await (const segment of segments) {
      const cursor = new LineCursor((count) => {
        stats.lines += count;
      });
      try {
        for await (const piece of splitSegment(segment, cursor, options)) {
          const record = toRecord(piece, path);
          if (record.kind === "problem") {
            report(record.problem);
            continue;
          }
          stats.records += 1;
          yield record.record;
        }
      } catch (error) {
        if (!(error instanceof GzipStreamError)) throw error;
        const detail =
          error.cause instanceof Error ? `: ${error.cause.message}` : "";
        report({
          kind: error.kind,
          file: path,
          line: cursor.line,
          message: error.message + detail,
        });
      }
    }
  } finally {
    reporter.flush();
  }
}

async function* splitSegment(
  segment: AsyncIterable<Buffer>,
  cursor: LineCursor,
  options: ReadFlowFileOptions,
): AsyncGenerator<Piece> {
  const maxBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const peeked = await peekBytes(segment, 2);
  const text = isGzip(peeked.head)
    ? gunzipChunks(peeked.chunks)
    : peeked.chunks;
  const lead = await skipLeadingSpace(text, cursor);
  if (lead.first === undefined) return;
  if (lead.first === 0x5b /* "[" */) {
    yield* splitJsonArray(lead.chunks, { maxElementBytes: maxBytes, cursor });
  } else {
    yield* splitNdjson(lead.chunks, { maxLineBytes: maxBytes, cursor });
  }
}

type Outcome =
  | { readonly kind: "record"; readonly record: FileRecord }
  | { readonly kind: "problem"; readonly problem: FileProblem };

function toRecord(piece: Piece, file: string): Outcome {
  if (piece.kind === "reject") {
    const { reason, line, message } = piece;
    return { kind: "problem", problem: { kind: reason, file, line, message } };
  }
  const parsed = parseRecord(piece.text);
  if (parsed.kind === "object") {
    return {
      kind: "record",
      record: { value: parsed.value, file, line: piece.line },
    };
  }
  return {
    kind: "problem",
    problem: {
      kind: parsed.kind,
      file,
      line: piece.line,
      message: parsed.message,
    },
  };
}
