import { stat } from "node:fs/promises";
import { ChangeNotifier } from "./change-notifier.js";
import { FlowFileError, describeCause } from "./errors.js";
import { openFile, readChunk, type OpenFile } from "./file-source.js";

/** Why reading moved on to a new segment. */
export type RotationKind = "replaced" | "truncated";

/** Options for {@link followFile}. */
export interface FollowOptions {
  readonly signal: AbortSignal | undefined;
  /** Longest wait for new data before looking again, whatever the watcher says. */
  readonly pollIntervalMs: number;
  /** Told each chunk's size as it is read from disk. */
  readonly onBytes: (count: number) => void;
  /** Told the size of each file as it is opened (the first one and each after rotation). */
  readonly onOpen: (size: number) => void;
  /** Told when a rotation is detected, before the next segment starts. */
  readonly onRotate: (kind: RotationKind) => void;
}

/**
 * Tails a growing file the way `tail -F` does and yields one segment (a chunk stream) per
 * file generation; each segment must be read to its end before the next is requested.
 *
 * A segment ends when, at end of file, the path names a different file (the Hubble exporter
 * rotates by renaming the file and creating a new one at the same path): the old file is
 * first read to its end, so nothing written before the switch is lost; then the new file is
 * read from its start. A file that shrinks in place (copy-and-truncate rotation) restarts
 * from offset 0. While the path is missing (between rename and create) it keeps waiting.
 * Abort ends the current segment and the whole iteration without error.
 */
export async function* followFile(
  path: string,
  options: FollowOptions,
): AsyncGenerator<{ readonly chunks: AsyncIterable<Buffer>; readonly file: OpenFile }> {
  const { signal } = options;
  let file: OpenFile | undefined = await openFile(path);
  const notifier = new ChangeNotifier(path);
  try {
    options.onOpen(file.size);
    while (signal?.aborted !== true) {
      const outcome: { kind: RotationKind | "aborted" } = { kind: "aborted" };
      yield { chunks: segment(path, file, notifier, options, outcome), file };
      if (outcome.kind === "aborted" || isAborted(signal)) return;
      options.onRotate(outcome.kind);
      if (outcome.kind === "truncated") {
        file.position = 0;
        continue;
      }
      await file.handle.close();
      file = undefined;
      file = await reopen(path, notifier, options);
      if (file === undefined) return;
      options.onOpen(file.size);
    }
  } finally {
    notifier.close();
    await file?.handle.close();
  }
}

async function* segment(
  path: string,
  file: OpenFile,
  notifier: ChangeNotifier,
  options: FollowOptions,
  outcome: { kind: RotationKind | "aborted" },
): AsyncGenerator<Buffer> {
  const { signal } = options;
  while (signal?.aborted !== true) {
    const chunk = await readChunk(path, file);
    if (chunk !== undefined) {
      options.onBytes(chunk.length);
      yield chunk;
      continue;
    }
    const now = await statOrUndefined(path);
    if (now !== undefined && (now.ino !== file.ino || now.dev !== file.dev)) {
      // Replaced: whatever reached the old file before the switch is read first.
      for (
        let rest = await readChunk(path, file);
        rest;
        rest = await readChunk(path, file)
      ) {
        options.onBytes(rest.length);
        yield rest;
      }
      outcome.kind = "replaced";
      return;
    }
    if (now !== undefined && now.size < file.position) {
      outcome.kind = "truncated";
      return;
    }
    await notifier.wait(options.pollIntervalMs, signal);
  }
}

/** Opens the new file at `path`, waiting while it does not exist yet; undefined on abort. */
async function reopen(
  path: string,
  notifier: ChangeNotifier,
  options: FollowOptions,
): Promise<OpenFile | undefined> {
  while (options.signal?.aborted !== true) {
    try {
      return await openFile(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await notifier.wait(options.pollIntervalMs, options.signal);
  }
  return undefined;
}

async function statOrUndefined(
  path: string,
): Promise<{ dev: number; ino: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error) || isErrno(error, "EACCES")) return undefined; // look again later
    throw new FlowFileError(path, `cannot stat (${describeCause(error)})`, {
      cause: error,
    });
  }
}

function isMissing(error: unknown): boolean {
  const cause = error instanceof FlowFileError ? error.cause : error;
  return isErrno(cause, "ENOENT");
}

function isErrno(error: unknown, code: string): boolean {
  return (
    error instanceof Error && (error as NodeJS.ErrnoException).code === code
  );
}

/** Read through a call: the signal can flip while a generator is suspended at a yield. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
