import type { LineCursor } from "./line-cursor.js";
import { countNewlines } from "./line-cursor.js";

/** The first bytes of a stream plus the whole stream, unchanged, to go on reading. */
export interface Peeked {
  /** Up to the requested number of bytes; shorter only when the input is. */
  readonly head: Buffer;
  readonly chunks: AsyncIterable<Buffer>;
}

/**
 * Looks at the first `count` bytes without consuming them: pulls just enough chunks, then
 * returns an iterable that replays those chunks and continues with the rest of the input.
 */
export async function peekBytes(
  chunks: AsyncIterable<Buffer>,
  count: number,
): Promise<Peeked> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let total = 0;
  while (total < count) {
    const next = await iterator.next();
    if (next.done === true) break;
    seen.push(next.value);
    total += next.value.length;
  }
  const head = Buffer.concat(seen, total).subarray(0, count);
  return { head, chunks: resume(seen, iterator) };
}

/** The first byte that is not JSON whitespace, and the input from that byte on. */
export interface Lead {
  /** undefined when the input is empty or only whitespace. */
  readonly first: number | undefined;
  readonly chunks: AsyncIterable<Buffer>;
  /** Bytes skipped before `first` (byte order mark and whitespace). */
  readonly skipped: number;
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Skips leading whitespace (and a UTF-8 byte-order mark) so the format can be told from the
 * first meaningful byte. Whitespace-only chunks are dropped, not buffered, and their newlines
 * are counted on the cursor so later line numbers stay exact.
 */
export async function skipLeadingSpace(
  chunks: AsyncIterable<Buffer>,
  cursor: LineCursor,
): Promise<Lead> {
  const iterator = chunks[Symbol.asyncIterator]();
  let first = true;
  let skipped = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true)
      return { first: undefined, chunks: resume([], iterator), skipped };
    let chunk = next.value;
    if (first && chunk.subarray(0, 3).equals(BYTE_ORDER_MARK)) {
      chunk = chunk.subarray(3);
      skipped += 3;
    }
    first = false;
    const at = firstNonSpace(chunk);
    cursor.advance(
      countNewlines(chunk.subarray(0, at === -1 ? chunk.length : at)),
    );
    if (at !== -1)
      return {
        first: chunk[at],
        chunks: resume([chunk.subarray(at)], iterator),
        skipped: skipped + at,
      };
    skipped += chunk.length;
  }
}

function firstNonSpace(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; i += 1) {
    const b = chunk[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return i;
  }
  return -1;
}

/** Replays `seen`, then delegates to `iterator` (so closing the result closes the source). */
async function* resume(
  seen: readonly Buffer[],
  iterator: AsyncIterator<Buffer>,
): AsyncGenerator<Buffer> {
  yield* seen;
  yield* { [Symbol.asyncIterator]: () => iterator };
}
