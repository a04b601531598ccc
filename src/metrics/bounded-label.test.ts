import { describe, expect, it } from "vitest";
import { BoundedLabel } from "./bounded-label.js";

describe("BoundedLabel", () => {
  it("admits values first come until the limit, then answers the overflow value", () => {
    const label = new BoundedLabel({ limit: 2 });
    expect(label.label("a")).toBe("a");
    expect(label.label("b")).toBe("b");
    expect(label.label("c")).toBe("other");
    expect(label.label("a")).toBe("a");
    expect(label.admitted()).toEqual(["a", "b"]);
  });

  it("gives the slot of a quiet value to a much busier one at rebalance", () => {
    const label = new BoundedLabel({ limit: 2 });
    label.label("a", 100);
    label.label("b", 1);
    label.label("c", 50);
    expect(label.rebalance()).toEqual({ evicted: ["b"], admitted: ["c"] });
    expect(label.peek("c")).toBe("c");
    expect(label.peek("b")).toBe("other");
  });

  it("keeps an admitted value when the challenger is not more than twice as busy (no flapping)", () => {
    const label = new BoundedLabel({ limit: 1 });
    label.label("a", 10);
    label.label("b", 20);
    expect(label.rebalance().evicted).toEqual([]);
    expect(label.admitted()).toEqual(["a"]);
  });

  it("forgets volume over time, so a namespace that went quiet can be replaced", () => {
    const label = new BoundedLabel({ limit: 1 });
    label.label("a", 1000);
    for (let i = 0; i < 6; i++) label.rebalance();
    label.label("b", 100);
    expect(label.rebalance().evicted).toEqual(["a"]);
    expect(label.admitted()).toEqual(["b"]);
  });

  it("fills free slots at rebalance with the busiest outsiders", () => {
    const label = new BoundedLabel({ limit: 0 });
    expect(label.label("a")).toBe("other");
    const wider = new BoundedLabel({ limit: 3, maxTracked: 3 });
    for (const v of ["a", "b", "c", "d"]) wider.label(v);
    expect(wider.label("d")).toBe("other");
    expect(wider.admitted()).toEqual(["a", "b", "c"]);
  });

  it("uses a configurable overflow value", () => {
    const label = new BoundedLabel({ limit: 0, overflow: "_rest" });
    expect(label.label("x")).toBe("_rest");
  });
});
