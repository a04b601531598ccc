import { describe, expect, it } from "vitest";
import { LineCursor } from "./line-cursor.js";
import { splitNdjson } from "./ndjson-splitter.js";
import type { Piece } from "./piece.js";
import { chunked } from "./testdata/chunked.js";

async function split(
  text: string,
  size = 1 << 16,
  maxLineBytes = 1024,
): Promise<Piece[]> {
  const pieces: Piece[] = [];
  const cursor = new LineCursor(() => undefined);
  for await (const piece of splitNdjson(chunked(text, size), {
    maxLineBytes,
    cursor,
  })) {
    // Offsets are checked by their own test below.
    if (piece.kind === "text") pieces.push({ kind: "text", text: piece.text, line: piece.line });
    else pieces.push(piece);
  }
  return pieces;
}

async function offsets(text: string, size: number, baseOffset?: number): Promise<(number | undefined)[]> {
  const found: (number | undefined)[] = [];
  const cursor = new LineCursor(() => undefined);
  for await (const piece of splitNdjson(chunked(text, size), { maxLineBytes: 1024, cursor, ...(baseOffset === undefined ? {} : { baseOffset }) })) {
    if (piece.kind === "text") found.push(piece.offset);
  }
  return found;
}

describe("splitNdjson", () => {
  it("gives each line the byte offset it starts at, whatever the chunking, from a base offset", async () => {
    const text = '{"a":1}\n\n{"bé":2}\r\n{"c":3}';
    for (const size of [1, 3, 7, 1 << 16]) {
      expect(await offsets(text, size)).toEqual([0, 9, 20]);
      expect(await offsets(text, size, 1000)).toEqual([1000, 1009, 1020]);
    }
  });

  it("gives each line its 1-based line number and skips blank lines", async () => {
    expect(await split('{"a":1}\n\n  \n{"b":2}\n')).toEqual([
      { kind: "text", text: '{"a":1}', line: 1 },
      { kind: "text", text: '{"b":2}', line: 4 },
    ]);
  });

  it("hands over a last line that has no newline", async () => {
    expect(await split('{"a":1}\n{"b":2}')).toEqual([
      { kind: "text", text: '{"a":1}', line: 1 },
      { kind: "text", text: '{"b":2}', line: 2 },
    ]);
  });

  it("strips the carriage return of CRLF line ends", async () => {
    expect(await split('{"a":1}\r\n{"b":2}\r\n')).toEqual([
      { kind: "text", text: '{"a":1}', line: 1 },
      { kind: "text", text: '{"b":2}', line: 2 },
    ]);
  });

  it("cuts the same lines whatever the chunk boundaries, also inside multi-byte characters", async () => {
    const text = '{"pod":"café-ü"}\n{"n":"日本"}\n\n{"x":[1,2]}\n';
    const whole = await split(text);
    for (const size of [1, 2, 3, 5, 7])
      expect(await split(text, size)).toEqual(whole);
  });

  it("rejects a line longer than the cap and goes on with the next one", async () => {
    const long = `{"a":"${"x".repeat(200)}"}`;
    for (const size of [7, 1 << 16]) {
      expect(await split(`{"a":1}\n${long}\n{"b":2}\n`, size, 100)).toEqual([
        { kind: "text", text: '{"a":1}', line: 1 },
        {
          kind: "reject",
          reason: "oversize-record",
          line: 2,
          message: `record of at least ${long.length} bytes exceeds the 100-byte limit`,
        },
        { kind: "text", text: '{"b":2}', line: 3 },
      ]);
    }
  });

  it("accepts a line of exactly the cap", async () => {
    const line = `"${"y".repeat(98)}"`;
    expect(await split(`${line}\n`, 9, 100)).toEqual([
      { kind: "text", text: line, line: 1 },
    ]);
  });
});
