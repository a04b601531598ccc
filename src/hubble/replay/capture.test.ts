import { describe, expect, it } from "vitest";
import { captureFromBytes, captureFromJson } from "./capture.js";
import { CAPTURES, captureRecords } from "./testdata/captures.js";

describe("building a capture", () => {
  it("converts a recorded capture once, in order, with the original times", () => {
    const capture = captureFromJson(captureRecords(CAPTURES[0]));
    expect(capture.problems).toEqual([]);
    expect(capture.records).toHaveLength(400);
    expect(capture.records[0]?.time).toEqual({ seconds: 1_636_540_856, nanos: 465_597_700 });
    expect(capture.records.every((r) => r.isFlow)).toBe(true);
  });

  it("skips invalid records and reports each with its index", () => {
    const [good] = captureRecords(CAPTURES[0]);
    const capture = captureFromJson([good, "text", { flow: { time: "yesterday" } }, good, { flow: { l4: 5 } }]);
    expect(capture.records).toHaveLength(2);
    expect(capture.problems).toEqual([
      { index: 1, path: "$", message: "expected a JSON object" },
      { index: 2, path: "$.flow.time", message: expect.stringMatching(/RFC 3339/) as unknown },
      { index: 4, path: expect.stringMatching(/l4/) as unknown, message: expect.any(String) as unknown },
    ]);
  });

  it("takes pre-encoded messages as they are and reports malformed ones", () => {
    const json = captureFromJson(captureRecords(CAPTURES[1]).slice(0, 3));
    const bytes = captureFromBytes([...json.records.map((r) => r.bytes), Buffer.from([0x0a, 0xff])]);
    expect(bytes.records.map((r) => r.bytes)).toEqual(json.records.map((r) => r.bytes));
    expect(bytes.records.map((r) => r.time)).toEqual(json.records.map((r) => r.time));
    expect(bytes.problems).toEqual([{ index: 3, path: "$", message: expect.any(String) as unknown }]);
  });
});
