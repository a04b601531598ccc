/**
 * The 1-based line number of the next unread byte of one file's text. Splitters advance it
 * as they consume newlines; the owner hears every advance so totals stay live.
 */
export class LineCursor {
  #line: number;
  readonly #onNewlines: (count: number) => void;

  constructor(onNewlines: (count: number) => void, startLine = 1) {
    this.#line = startLine;
    this.#onNewlines = onNewlines;
  }

  /** Current line number. */
  get line(): number {
    return this.#line;
  }

  /** Records that `count` newlines were consumed. */
  advance(count: number): void {
    if (count === 0) return;
    this.#line += count;
    this.#onNewlines(count);
  }
}

const NEWLINE = 0x0a;

/** Counts newline bytes in a buffer (native search, no per-byte JS loop). */
export function countNewlines(chunk: Uint8Array): number {
  let count = 0;
  let at = chunk.indexOf(NEWLINE);
  while (at !== -1) {
    count += 1;
    at = chunk.indexOf(NEWLINE, at + 1);
  }
  return count;
}
