import { describe, expect, it } from "vitest";
import { decodeResponse, messageType, responseFromJson } from "../proto/index.js";
import { CAPTURES, captureRecords } from "./testdata/captures.js";
import { responseFacts, stamp, stampTemplate } from "./wire-stamp.js";

function encoded(record: unknown): Buffer {
  const conv = responseFromJson(record);
  if (!conv.ok) throw new Error(conv.problem.message);
  return Buffer.from(messageType("observer.GetFlowsResponse").encode(conv.message).finish());
}

describe("re-stamping encoded responses", () => {
  it.each(CAPTURES)("changes only the times of every flow in %s", (name) => {
    const time = { seconds: 1_900_000_000, nanos: 123_456_789 };
    for (const record of captureRecords(name)) {
      const bytes = encoded(record);
      const before = decodeResponse(bytes);
      const after = decodeResponse(stamp(stampTemplate(bytes), time));
      if (before.kind !== "flow" || after.kind !== "flow") throw new Error("expected flows");
      expect(after.flow).toEqual({ ...before.flow, time });
      expect(after.nodeName).toBe(before.nodeName);
      expect(responseFacts(stamp(stampTemplate(bytes), time))).toEqual({ time, isFlow: true });
    }
  });

  it("stamps a lost-events notice at the top level only", () => {
    const bytes = encoded({ lost_events: { source: "PERF_EVENT_RING_BUFFER", num_events_lost: "7", cpu: 1 }, node_name: "n1", time: "2024-01-01T00:00:00Z" });
    const after = decodeResponse(stamp(stampTemplate(bytes), { seconds: 5, nanos: 0 }));
    expect(after).toEqual({ kind: "lost-events", source: "PERF_EVENT_RING_BUFFER", count: 7, cpu: 1, nodeName: "n1", time: { seconds: 5, nanos: 0 } });
    expect(responseFacts(bytes)).toEqual({ time: { seconds: 1_704_067_200, nanos: 0 }, isFlow: false });
  });

  it("reads the flow's time when the top-level time is missing", () => {
    const bytes = encoded({ flow: { time: "2021-11-10T10:40:56.465597700Z", verdict: "FORWARDED" } });
    expect(responseFacts(bytes)).toEqual({ time: { seconds: 1_636_540_856, nanos: 465_597_700 }, isFlow: true });
  });
});
