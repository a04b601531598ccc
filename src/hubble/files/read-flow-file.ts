import type { Logger } from "pino";
import { untilAborted } from "./abortable.js";
import { splitJsonArray } from "./array-splitter.js";
import { GzipStreamError, gunzipChunks, isGzip } from "./gunzip.js";
import { identityOf } from "./file-source.js";
import type { OpenFile } from "./file-source.js";
import { isSameFile } from "./file-identity.js";
import type { FileIdentity } from "./file-identity.js";
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
  /** Where the record is in its file, to resume from; undefined for stdin. */
  readonly position?: RecordPosition;
}

/** Where a record starts in the file it came from. */
export interface RecordPosition {
  /** The file (generation) the record is in. */
  readonly file: FileIdentity;
  /** 0-based ordinal of the record in its file, rejected inputs included. */
  readonly record: number;
  /** 1-based line the record starts on. */
  readonly line: number;
  /** Byte offset of its first byte in the (decompressed) text; undefined inside a JSON array. */
  readonly offset: number | undefined;
}

/**
 * Where to start reading when the path still names `file`: at the record `record`, which
 * starts on `line` at byte `offset` of the (decompressed) text. A plain NDJSON file is read
 * from that byte on; a gzip file is decompressed from its start and a JSON array split from
 * its start, the records before `record` skipped unparsed (a gzip stream cannot be entered
 * mid-way). When the path names another file (rotated or replaced), reading starts at 0.
 */
export interface FileStart {
  readonly file: FileIdentity;
  readonly record: number;
  readonly line: number;
  readonly offset: number | undefined;
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
  /** Where a previous read stopped (applies to the first file opened only); undefined: from the start. */
  readonly startAt?: FileStart;
  /** Told each file generation's identity as it is opened, and whether `startAt` applied to it. */
  readonly onFile?: (file: FileIdentity, resumed: boolean) => void;
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
    let startAt = options.startAt;
    for await (const segment of segments) {
      const start = segment.file ? await startOf(path, segment.file, startAt) : undefined;
      startAt = undefined;
      if (start) options.onFile?.(start.identity, start.resumed);
      const cursor = new LineCursor((count) => {
        stats.lines += count;
      }, start?.line ?? 1);
      let ordinal = start?.ordinal ?? 0;
      try {
        for await (const piece of splitSegment(segment.chunks, cursor, options, start?.seek ?? 0)) {
          const at = ordinal++;
          if (start !== undefined && at < start.skip) continue; // stored by an earlier read
          const record = toRecord(piece, path, start && { file: start.identity, record: at, line: piece.line, offset: piece.kind === "text" ? piece.offset : undefined });
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

/** How one file generation is read: from where, with which numbering, skipping what. */
interface SegmentStart {
  readonly identity: FileIdentity;
  /** Byte offset the file is read from (plain NDJSON resumed); undefined: from 0. */
  readonly seek: number | undefined;
  /** Records before this ordinal are skipped unparsed. */
  readonly skip: number;
  readonly ordinal: number;
  readonly line: number;
  /** True when `startAt` applied: the path still names the file it describes. */
  readonly resumed: boolean;
}

/** Decides where a file generation is read from (see FileStart) and positions the file there. */
async function startOf(path: string, file: OpenFile, startAt: FileStart | undefined): Promise<SegmentStart> {
  const { identity, head } = await identityOf(path, file);
  const fresh = { identity, seek: undefined, skip: 0, ordinal: 0, line: 1, resumed: false };
  if (startAt === undefined || !(await isSameFile(file.handle, file, startAt.file))) return fresh;
  if (startAt.record === 0) return { ...fresh, resumed: true };
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (!isGzip(head) && first !== undefined && first !== 0x5b /* "[" */ && startAt.offset !== undefined) {
    file.position = startAt.offset;
    return { identity, seek: startAt.offset, skip: 0, ordinal: startAt.record, line: startAt.line, resumed: true };
  }
  return { ...fresh, skip: startAt.record, resumed: true };
}

async function* splitSegment(
  segment: AsyncIterable<Buffer>,
  cursor: LineCursor,
  options: ReadFlowFileOptions,
  baseOffset: number,
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
    yield* splitNdjson(lead.chunks, { maxLineBytes: maxBytes, cursor, baseOffset: baseOffset + lead.skipped });
  }
}

type Outcome =
  | { readonly kind: "record"; readonly record: FileRecord }
  | { readonly kind: "problem"; readonly problem: FileProblem };

function toRecord(piece: Piece, file: string, position: RecordPosition | undefined): Outcome {
  if (piece.kind === "reject") {
    const { reason, line, message } = piece;
    return { kind: "problem", problem: { kind: reason, file, line, message } };
  }
  const parsed = parseRecord(piece.text);
  if (parsed.kind === "object") {
    return {
      kind: "record",
      record: position ? { value: parsed.value, file, line: piece.line, position } : { value: parsed.value, file, line: piece.line },
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
