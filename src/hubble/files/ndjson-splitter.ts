import type { LineCursor } from "./line-cursor.js";
import { oversizePiece, type Piece } from "./piece.js";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Options for {@link splitNdjson}. */
export interface NdjsonSplitOptions {
  /** Longest line kept, in bytes without the newline; longer lines are rejected unread. */
  readonly maxLineBytes: number;
  /** Advanced past every newline; gives each piece its line number. */
  readonly cursor: LineCursor;
  /** Byte offset in the text of the first byte of `chunks` (default 0): pieces carry their offset. */
  readonly baseOffset?: number;
}

/**
 * Cuts newline-delimited text into lines, as `hubble observe -o jsonpb` and the Hubble
 * exporter write it (Go's json.Encoder: one object then "\n"). Works on bytes so that the
 * cap holds before any string is built: an oversize line is dropped as it streams past and
 * reported once. Blank lines are skipped; a trailing "\r" is tolerated. A final line without
 * a newline is still handed over when the input ends.
 */
export async function* splitNdjson(
  chunks: AsyncIterable<Buffer>,
  options: NdjsonSplitOptions,
): AsyncGenerator<Piece> {
  const { maxLineBytes, cursor } = options;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversizeBytes = 0; // > 0 while discarding the rest of an oversize line
  let consumed = options.baseOffset ?? 0; // text offset of the current chunk's first byte
  let lineStart = consumed;

  const finishLine = (): Piece | undefined => {
    const line = cursor.line;
    if (oversizeBytes > 0) {
      const bytes = oversizeBytes;
      oversizeBytes = 0;
      return oversizePiece(line, bytes, maxLineBytes);
    }
    const bytes =
      pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (bytes === undefined) return undefined;
    const end =
      bytes.at(-1) === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    const text = bytes.toString("utf8", 0, end);
    return text.trim() === "" ? undefined : { kind: "text", text, line, offset: lineStart };
  };

  const keep = (part: Buffer): void => {
    if (part.length === 0) return;
    if (oversizeBytes > 0) {
      oversizeBytes += part.length;
    } else if (pendingBytes + part.length > maxLineBytes) {
      oversizeBytes = pendingBytes + part.length;
      pending = [];
      pendingBytes = 0;
    } else {
      pending.push(part);
      pendingBytes += part.length;
    }
  };

  for await (const chunk of chunks) {
    let start = 0;
    let at = chunk.indexOf(NEWLINE, start);
    while (at !== -1) {
      keep(chunk.subarray(start, at));
      const piece = finishLine();
      cursor.advance(1);
      lineStart = consumed + at + 1;
      if (piece !== undefined) yield piece;
      start = at + 1;
      at = chunk.indexOf(NEWLINE, start);
    }
    keep(chunk.subarray(start));
    consumed += chunk.length;
  }
  if (pendingBytes > 0 || oversizeBytes > 0) {
    const piece = finishLine();
    if (piece !== undefined) yield piece;
  }
}
