import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { FlowFileError, describeCause } from "./errors.js";
import { HEAD_BYTES, hashHead } from "./file-identity.js";
import type { FileIdentity } from "./file-identity.js";

/** An open flow-log file and where reading stands in it. */
export interface OpenFile {
  readonly handle: FileHandle;
  /** Device and inode: a change at the same path means the file was replaced (rotated). */
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  position: number;
}

/** The identity of an open file as it is now, and its first bytes (up to HEAD_BYTES). */
export async function identityOf(path: string, file: OpenFile): Promise<{ identity: FileIdentity; head: Buffer }> {
  try {
    const head = await hashHead(file.handle, HEAD_BYTES);
    return { identity: { dev: file.dev, ino: file.ino, headBytes: head.bytes, headHash: head.hash }, head: head.head };
  } catch (error) {
    throw new FlowFileError(path, `read failed (${describeCause(error)})`, { cause: error });
  }
}

/** Opens a file for reading, refusing directories; failures become a {@link FlowFileError}. */
export async function openFile(path: string): Promise<OpenFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new FlowFileError(path, `cannot open (${describeCause(error)})`, {
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory())
      throw new FlowFileError(path, "is a directory, not a flow-log file");
    return {
      handle,
      dev: info.dev,
      ino: info.ino,
      size: info.size,
      position: 0,
    };
  } catch (error) {
    await handle.close();
    if (error instanceof FlowFileError) throw error;
    throw new FlowFileError(path, `cannot stat (${describeCause(error)})`, {
      cause: error,
    });
  }
}

/** Reading sizes; small reads are copied so a tiny append does not pin a whole buffer. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads the next chunk at the file's position and advances it; undefined at end of file.
 * Every chunk is a fresh buffer because splitters keep slices of earlier chunks.
 */
export async function readChunk(
  path: string,
  file: OpenFile,
): Promise<Buffer | undefined> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let bytesRead: number;
  try {
    ({ bytesRead } = await file.handle.read(
      buffer,
      0,
      CHUNK_BYTES,
      file.position,
    ));
  } catch (error) {
    throw new FlowFileError(path, `read failed (${describeCause(error)})`, {
      cause: error,
    });
  }
  if (bytesRead === 0) return undefined;
  file.position += bytesRead;
  const data = buffer.subarray(0, bytesRead);
  return bytesRead < CHUNK_BYTES / 4 ? Buffer.from(data) : data;
}

/** Options for {@link readWholeFile}. */
export interface WholeFileOptions {
  readonly signal: AbortSignal | undefined;
  /** Told each chunk's size as it is read from disk. */
  readonly onBytes: (count: number) => void;
}

/** Reads from the current position to end of file, then closes it. */
export async function* readWholeFile(
  path: string,
  file: OpenFile,
  options: WholeFileOptions,
): AsyncGenerator<Buffer> {
  try {
    while (options.signal?.aborted !== true) {
      const chunk = await readChunk(path, file);
      if (chunk === undefined) return;
      options.onBytes(chunk.length);
      yield chunk;
    }
  } finally {
    await file.handle.close();
  }
}
