import { describe, expect, it } from "vitest";
import { GraphWriter } from "./graph-writer.js";
import { openGraphStore } from "./store.js";
import { fromRanges, readFileCursor, toRanges } from "./cursor-file.js";
import type { FileCursor } from "./cursor-file.js";

const cursor: FileCursor = {
  file: { dev: 1, ino: 2, headBytes: 4096, headHash: "ab" },
  start: { record: 10, line: 11, offset: 1234 },
  last: 40,
  open: [20, 21, 22, 30],
  pending: [15],
};

describe("file cursor", () => {
  it("stores record ordinals as runs and reads them back", () => {
    expect(toRanges([1, 2, 3, 7, 9, 10])).toEqual([[1, 3], [7, 7], [9, 10]]);
    expect(fromRanges(JSON.stringify(toRanges([1, 2, 3, 7])))).toEqual([1, 2, 3, 7]);
  });

  it("refuses stored runs it did not write", () => {
    for (const text of ["", "{}", "[[3,1]]", "[[1]]", '[["a",2]]']) expect(fromRanges(text), text).toBeUndefined();
  });

  it("is written with the batch in one flush, and replaced by the next", () => {
    const store = openGraphStore({ path: ":memory:" });
    const writer = new GraphWriter(store, { source: "file:/f" });
    expect(readFileCursor(store, "file:/f")).toBeUndefined();
    writer.advanceFileCursor(cursor);
    expect(readFileCursor(store, "file:/f")).toBeUndefined();
    writer.flush();
    expect(readFileCursor(store, "file:/f")).toEqual(cursor);
    writer.advanceFileCursor({ ...cursor, start: { record: 0, line: 1, offset: undefined }, open: [], pending: [] });
    writer.close();
    expect(readFileCursor(store, "file:/f")).toEqual({ ...cursor, start: { record: 0, line: 1, offset: undefined }, open: [], pending: [] });
    store.close();
  });
});
