import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue.js";

function queue(capacity: number, maxBatch: number): { q: EventQueue<number>; calls: string[] } {
  const calls: string[] = [];
  const q = new EventQueue<number>(
    () => calls.push("pause"),
    () => calls.push("resume"),
    { capacity, maxBatch },
  );
  return { q, calls };
}

describe("the bounded hand-over queue", () => {
  it("pauses the producer when full and resumes it once drained below half", async () => {
    const { q, calls } = queue(4, 2);
    for (let i = 0; i < 5; i++) q.push(i);
    expect(calls).toEqual(["pause"]);
    expect(q.length).toBe(5);
    const it = q.batches();
    expect((await it.next()).value).toEqual([0, 1]);
    expect(calls).toEqual(["pause"]);
    expect((await it.next()).value).toEqual([2, 3]);
    expect(calls).toEqual(["pause", "resume"]);
    q.end();
    expect((await it.next()).value).toEqual([4]);
    expect((await it.next()).done).toBe(true);
  });

  it("wakes a waiting consumer when an item arrives", async () => {
    const { q } = queue(10, 10);
    const it = q.batches();
    const pending = it.next();
    q.push(7);
    expect((await pending).value).toEqual([7]);
  });

  it("hands out what is left before throwing a failure", async () => {
    const { q } = queue(10, 10);
    q.push(1);
    q.fail(new Error("gone"));
    const it = q.batches();
    expect((await it.next()).value).toEqual([1]);
    await expect(it.next()).rejects.toThrow("gone");
  });
});
