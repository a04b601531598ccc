import { describe, expect, it } from "vitest";
import { ConnectionTracker, IdentityResolver, toMillis } from "../flows/index.js";
import type { Connection, Timestamp } from "../flows/index.js";
import { eventFromMessage, responseFromJson } from "../hubble/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import { createFlowRun } from "../hubble/generate/index.js";
import { StreamProgress } from "./stream-progress.js";

/** Generated flows as a Hubble stream sends them: in time order. */
function stream(flows: number, seed: number): HubbleEvent[] {
  const events: HubbleEvent[] = [];
  for (const line of createFlowRun({ flows, seed }).lines) {
    const conv = responseFromJson(line);
    if (conv.ok) events.push(eventFromMessage(conv.message));
  }
  const at = (e: HubbleEvent): number => (e.kind === "flow" ? toMillis(e.flow.time) : 0);
  return events.filter((e) => e.kind === "flow").sort((a, b) => at(a) - at(b));
}

const keyOf = (c: Connection): string => [c.kind, JSON.stringify(c.source), JSON.stringify(c.destination), c.protocol, c.port, c.verdict, c.l7?.kind ?? ""].join(" ");

function tally(connections: readonly Connection[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of connections) out.set(keyOf(c), (out.get(keyOf(c)) ?? 0) + 1);
  return out;
}

function later(a: Timestamp, b: Timestamp): boolean {
  return a.seconds !== b.seconds ? a.seconds > b.seconds : a.nanos >= b.nanos;
}

/** Feeds `events` in batches through a progress and a tracker; `stopAt` ends it early, without a drain (a crash). */
function run(events: readonly HubbleEvent[], progress: StreamProgress, stopAt?: number): { out: Connection[]; tracker: ConnectionTracker } {
  const tracker = new ConnectionTracker(new IdentityResolver(), { originOf: progress.originOf, replay: progress.replay });
  const out: Connection[] = [];
  const end = stopAt ?? events.length;
  for (let i = 0; i < end; i += 250) {
    for (const e of progress.take(events.slice(i, Math.min(end, i + 250)))) if (e.kind === "flow") tracker.push(e.flow, out);
  }
  if (stopAt === undefined) tracker.drain(out);
  return { out, tracker };
}

describe("StreamProgress", () => {
  const events = stream(20_000, 9);
  const clean = tally(run(events, new StreamProgress(undefined)).out);

  it.each([3_000, 9_999, 15_250])("a restart after a crash at flow %i, from the stored cursor, ends on the clean run's connections", (crashAt) => {
    const first = new StreamProgress(undefined);
    const crashed = run(events, first, crashAt);
    const cursor = first.cursor(crashed.tracker);
    expect(cursor).toBeDefined();
    if (cursor === undefined) return;
    // What the server sends again for `since: cursor.start`.
    const resent = events.filter((e) => e.kind === "flow" && later(e.flow.time, cursor.start));
    expect(resent.length).toBeGreaterThan(events.length - crashAt);
    const second = new StreamProgress(cursor);
    const resumed = run(resent, second);
    expect(second.skipped).toBeGreaterThan(0);
    expect(tally([...crashed.out, ...resumed.out])).toEqual(clean);
  });

  it("a second crash while reading again keeps the first cursor's word for what it has not reached", () => {
    const first = new StreamProgress(undefined);
    const crashed = run(events, first, 12_000);
    const cursor = first.cursor(crashed.tracker);
    if (cursor === undefined) throw new Error("no cursor");
    const resent = events.filter((e) => e.kind === "flow" && later(e.flow.time, cursor.start));
    const second = new StreamProgress(cursor);
    const again = run(resent, second, 100);
    const cursor2 = second.cursor(again.tracker);
    if (cursor2 === undefined) throw new Error("no second cursor");
    expect(cursor2.start).toEqual(cursor.start);
    expect(cursor2.last).toEqual(cursor.last);
    const third = new StreamProgress(cursor2);
    const resumed = run(events.filter((e) => e.kind === "flow" && later(e.flow.time, cursor2.start)), third);
    expect(tally([...crashed.out, ...again.out, ...resumed.out])).toEqual(clean);
  });

  it("names nothing as stored on a fresh graph", () => {
    const progress = new StreamProgress(undefined);
    expect(progress.since).toBeUndefined();
    const first = events[0];
    if (first?.kind !== "flow") throw new Error("the stream holds flows");
    progress.take([first]);
    expect(progress.replay.counts(progress.originOf(first.flow))).toBe(true);
    expect(progress.replay.emits(progress.originOf(first.flow))).toBe(true);
    expect(progress.skipped).toBe(0);
  });
});
