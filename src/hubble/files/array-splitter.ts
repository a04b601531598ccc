import type { LineCursor } from "./line-cursor.js";
import { oversizePiece, type Piece } from "./piece.js";

/** Options for {@link splitJsonArray}. */
export interface ArraySplitOptions {
  /** Longest element kept, in bytes; longer elements are rejected unread. */
  readonly maxElementBytes: number;
  /** Advanced past every newline; gives each piece the line its element starts on. */
  readonly cursor: LineCursor;
}

type State = "open" | "between" | "element" | "closed" | "ignored";

// Byte values of the JSON structural characters the scanner looks at.
const NEWLINE = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const RETURN = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(b: number): boolean {
  return b === SPACE || b === NEWLINE || b === TAB || b === RETURN;
}

/**
 * Cuts a top-level JSON array (compact or pretty-printed) into the source text of its
 * elements without holding the whole array: it tracks only string/escape state and nesting
 * depth, and each element is later parsed on its own by `JSON.parse`. This keeps memory
 * bounded by the element cap, gives every element the line it starts on, and lets one bad
 * element be rejected while the rest are read. It is lenient about commas (a missing or extra
 * comma is not reported) since every element is validated by the parser anyway.
 */
export async function* splitJsonArray(
  chunks: AsyncIterable<Buffer>,
  options: ArraySplitOptions,
): AsyncGenerator<Piece> {
  const { maxElementBytes, cursor } = options;
  let state = "open" as State; // widened: the loop assigns it between yields
  let depth = 0;
  let inString = false;
  let escaped = false;
  let bare = false; // a number, true, false or null: ends at a delimiter, not a bracket
  let elementLine = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversizeBytes = 0;

  const keep = (part: Buffer): void => {
    if (oversizeBytes > 0) {
      oversizeBytes += part.length;
    } else if (pendingBytes + part.length > maxElementBytes) {
      oversizeBytes = pendingBytes + part.length;
      pending = [];
      pendingBytes = 0;
    } else if (part.length > 0) {
      pending.push(part);
      pendingBytes += part.length;
    }
  };
  const finish = (last: Buffer): Piece => {
    keep(last);
    const bytes = oversizeBytes;
    const text = Buffer.concat(pending, pendingBytes).toString("utf8");
    pending = [];
    pendingBytes = 0;
    oversizeBytes = 0;
    if (bytes > 0) return oversizePiece(elementLine, bytes, maxElementBytes);
    return { kind: "text", text, line: elementLine };
  };

  for await (const chunk of chunks) {
    let start = state === "element" ? 0 : -1;
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i] ?? 0;
      if (b === NEWLINE) cursor.advance(1);
      switch (state) {
        case "open":
          if (b === OPEN_BRACKET) state = "between";
          else if (!isSpace(b)) {
            state = "ignored";
            yield reject(
              "malformed-json",
              cursor.line,
              "expected a JSON array",
            );
          }
          break;
        case "between":
          if (b === CLOSE_BRACKET) state = "closed";
          else if (!isSpace(b) && b !== COMMA) {
            state = "element";
            start = i;
            elementLine = cursor.line;
            depth = b === OPEN_BRACE || b === OPEN_BRACKET ? 1 : 0;
            inString = b === QUOTE;
            escaped = false;
            bare = depth === 0 && !inString;
          }
          break;
        case "element":
          if (inString) {
            if (escaped) escaped = false;
            else if (b === BACKSLASH) escaped = true;
            else if (b === QUOTE) {
              inString = false;
              if (depth === 0) {
                state = "between";
                yield finish(chunk.subarray(start, i + 1));
              }
            }
          } else if (bare) {
            if (isSpace(b) || b === COMMA || b === CLOSE_BRACKET) {
              state = b === CLOSE_BRACKET ? "closed" : "between";
              yield finish(chunk.subarray(start, i));
            }
          } else if (b === QUOTE) inString = true;
          else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth += 1;
          else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
            depth -= 1;
            if (depth === 0) {
              state = "between";
              yield finish(chunk.subarray(start, i + 1));
            }
          }
          break;
        case "closed":
          if (!isSpace(b)) {
            state = "ignored";
            yield reject(
              "malformed-json",
              cursor.line,
              "unexpected data after the closing ']'",
            );
          }
          break;
        case "ignored":
          break;
        default:
          state satisfies never;
      }
    }
    if (state === "element") keep(chunk.subarray(start));
  }
  if (state === "element") {
    yield reject(
      "truncated-array",
      elementLine,
      "input ends inside this array element",
    );
  } else if (state === "between") {
    yield reject(
      "truncated-array",
      cursor.line,
      "input ends before the array's closing ']'",
    );
  }
}

function reject(
  reason: "malformed-json" | "truncated-array",
  line: number,
  message: string,
): Piece {
  return { kind: "reject", reason, line, message };
}
