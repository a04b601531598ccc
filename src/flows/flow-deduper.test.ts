import { describe, expect, it } from "vitest";
import { FlowDeduper } from "./flow-deduper.js";
import { flowKey } from "./flow-key.js";
import { flow } from "./testdata/flow-builder.js";

const T0 = 1_700_000_000_000;

describe("FlowDeduper", () => {
  it("drops a flow re-sent with the same uuid", () => {
    const d = new FlowDeduper();
    expect(d.accept(flow({ uuid: "a", at: T0 }))).toBe(true);
    expect(d.accept(flow({ uuid: "b", at: T0 }))).toBe(true);
    expect(d.accept(flow({ uuid: "a", at: T0 }))).toBe(false);
    expect(d.duplicates).toBe(1);
  });

  it("recognises pre-1.14 flows without uuid by their content", () => {
    const d = new FlowDeduper();
    expect(d.accept(flow({ at: T0 }))).toBe(true);
    expect(d.accept(flow({ at: T0 }))).toBe(false);
    expect(d.accept(flow({ at: T0, traceObservationPoint: "TO_ENDPOINT" }))).toBe(true);
    expect(d.accept(flow({ at: T0 + 1 }))).toBe(true);
  });

  it("forgets keys older than its window and never holds more than its bound", () => {
    const d = new FlowDeduper({ windowMs: 1000, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) d.accept(flow({ uuid: `u${i}`, at: T0 + i * 10 }));
    expect(d.size).toBeLessThanOrEqual(101);
    expect(d.accept(flow({ uuid: "u0", at: T0 }))).toBe(true);
  });

  it("keys differ for different packets of the same connection", () => {
    expect(flowKey(flow({ at: T0 }))).not.toBe(flowKey(flow({ at: T0, isReply: true })));
  });
});
