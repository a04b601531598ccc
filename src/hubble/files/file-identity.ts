import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";

/** How many leading bytes identify a file's content beside its device and inode. */
export const HEAD_BYTES = 4096;

/**
 * Which file a path named when it was read: device and inode, plus a hash of its first
 * bytes (up to {@link HEAD_BYTES}; fewer when the file was shorter), because an inode freed by
 * a deleted file is soon given to a new one. A file that grew keeps its identity as long as
 * its first `headBytes` bytes are unchanged.
 */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  /** How many leading bytes `headHash` covers. */
  readonly headBytes: number;
  /** SHA-256 of those bytes, hex. */
  readonly headHash: string;
}

/** Hashes the first `count` bytes of an open file (fewer if it is shorter). */
export async function hashHead(handle: FileHandle, count: number): Promise<{ bytes: number; hash: string; head: Buffer }> {
  const buffer = Buffer.alloc(count);
  let filled = 0;
  while (filled < count) {
    const { bytesRead } = await handle.read(buffer, filled, count - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  const head = buffer.subarray(0, filled);
  return { bytes: filled, hash: createHash("sha256").update(head).digest("hex"), head };
}

/**
 * True when the open file is the one `stored` describes: same device and inode, and its
 * first `stored.headBytes` bytes hash the same (a file rotated away and a new one created
 * in its place, or a file rewritten in place, is a different file).
 */
export async function isSameFile(handle: FileHandle, current: { dev: number; ino: number }, stored: FileIdentity): Promise<boolean> {
  if (current.dev !== stored.dev || current.ino !== stored.ino) return false;
  const head = await hashHead(handle, stored.headBytes);
  return head.bytes === stored.headBytes && head.hash === stored.headHash;
}
