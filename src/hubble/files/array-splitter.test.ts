import { describe, expect, it } from "vitest";
import { splitJsonArray } from "./array-splitter.js";
import { LineCursor } from "./line-cursor.js";
import type { Piece } from "./piece.js";
import { chunked } from "./testdata/chunked.js";

async function split(
  text: string,
  size = 1 << 16,
  maxElementBytes = 1024,
): Promise<Piece[]> {
  const pieces: Piece[] = [];
  const cursor = new LineCursor(() => undefined);
  for await (const piece of splitJsonArray(chunked(text, size), {
    maxElementBytes,
    cursor,
  })) {
    pieces.push(piece);
  }
  return pieces;
}

const text = (value: string, line: number): Piece => ({
  kind: "text",
  text: value,
  line,
});

describe("splitJsonArray", () => {
  it("cuts a compact array into its elements", async () => {
    expect(await split('[{"a":1},{"b":[2,{"c":3}]}]')).toEqual([
      text('{"a":1}', 1),
      text('{"b":[2,{"c":3}]}', 1),
    ]);
  });

  it("gives each element of a pretty-printed array the line it starts on", async () => {
    const pretty = JSON.stringify([{ a: 1 }, { b: { c: [1, 2] } }], null, 2);
    expect(await split(pretty)).toEqual([
      text('{\n    "a": 1\n  }', 2),
      text(
        '{\n    "b": {\n      "c": [\n        1,\n        2\n      ]\n    }\n  }',
        5,
      ),
    ]);
  });

  it("is not misled by brackets, braces and escaped quotes inside strings", async () => {
    const element = String.raw`{"s":"a]}\"[{\\","t":"}"}`;
    expect(await split(`[${element}]`)).toEqual([text(element, 1)]);
  });

  it("hands over scalar elements for the parser to reject", async () => {
    expect(await split('[1, "two",null ,{"x":true}]')).toEqual([
      text("1", 1),
      text('"two"', 1),
      text("null", 1),
      text('{"x":true}', 1),
    ]);
  });

  it("cuts the same elements whatever the chunk boundaries", async () => {
    const input = JSON.stringify(
      [{ a: "é]}", b: [1, { c: '"' }] }, 42, { d: "\\" }],
      null,
      1,
    );
    const whole = await split(input);
    expect(whole).toHaveLength(3);
    for (const size of [1, 2, 3, 5])
      expect(await split(input, size)).toEqual(whole);
  });

  it("reports an array cut off inside an element, at the element's line", async () => {
    expect(await split('[\n{"a":1},\n{"b":')).toEqual([
      text('{"a":1}', 2),
      {
        kind: "reject",
        reason: "truncated-array",
        line: 3,
        message: "input ends inside this array element",
      },
    ]);
  });

  it("reports an array that ends without its closing bracket", async () => {
    expect(await split('[{"a":1},\n')).toEqual([
      text('{"a":1}', 1),
      {
        kind: "reject",
        reason: "truncated-array",
        line: 2,
        message: "input ends before the array's closing ']'",
      },
    ]);
  });

  it("reports data after the closing bracket once", async () => {
    expect(await split('[{"a":1}]\n\n{"b":2}\n{"c":3}\n')).toEqual([
      text('{"a":1}', 1),
      {
        kind: "reject",
        reason: "malformed-json",
        line: 3,
        message: "unexpected data after the closing ']'",
      },
    ]);
  });

  it("rejects an element longer than the cap and keeps reading", async () => {
    const big = JSON.stringify({ s: "z".repeat(100) });
    expect(await split(`[{"a":1},\n${big},\n{"b":2}]`, 8, 50)).toEqual([
      text('{"a":1}', 1),
      {
        kind: "reject",
        reason: "oversize-record",
        line: 2,
        message: `record of at least ${big.length} bytes exceeds the 50-byte limit`,
      },
      text('{"b":2}', 3),
    ]);
  });

  it("yields nothing for an empty array", async () => {
    expect(await split("[ \n ]\n")).toEqual([]);
  });
});
