import { openFile, readWholeFile } from "./file-source.js";
import type { OpenFile } from "./file-source.js";
import { followFile, type RotationKind } from "./follow.js";

/**
 * One file generation's bytes. `file` is the open file (undefined for stdin): until the
 * chunks are first pulled, its `position` may be moved to start reading further on.
 */
export interface Segment {
  readonly chunks: AsyncIterable<Buffer>;
  readonly file: OpenFile | undefined;
}

/** Where the bytes come from and what to tell about them. */
export interface SourceOptions {
  readonly follow: boolean;
  readonly signal: AbortSignal | undefined;
  readonly pollIntervalMs: number;
  /** Read when the path is "-". */
  readonly stdin: AsyncIterable<Buffer | Uint8Array | string>;
  readonly onBytes: (count: number) => void;
  readonly onOpen: (size: number | undefined) => void;
  readonly onRotate: (kind: RotationKind) => void;
}

/**
 * The input as a series of segments, one per file generation: a single segment for stdin
 * and plain files, one more after each rotation when following. Opening errors surface as a
 * `FlowFileError` on the first iteration step.
 */
export async function* openSegments(
  path: string,
  options: SourceOptions,
): AsyncGenerator<Segment> {
  if (path === "-") {
    options.onOpen(undefined);
    yield { chunks: stdinChunks(options), file: undefined };
    return;
  }
  if (options.follow) {
    yield* followFile(path, { ...options, onOpen: options.onOpen });
    return;
  }
  const file = await openFile(path);
  options.onOpen(file.size);
  yield { chunks: readWholeFile(path, file, options), file };
}

async function* stdinChunks(options: SourceOptions): AsyncGenerator<Buffer> {
  // stdin is read until it ends; "follow" adds nothing since a pipe already waits for data.
  // A read pending at abort is cut short by the reader's own abort handling.
  for await (const chunk of options.stdin) {
    const data = Buffer.isBuffer(chunk) ? chunk : toBuffer(chunk);
    options.onBytes(data.length);
    yield data;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === "string"
    ? Buffer.from(chunk, "utf8")
    : Buffer.from(chunk);
}
