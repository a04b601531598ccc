import { describe, expect, it } from "vitest";
import { ConnectionTracker, IdentityResolver, toMillis } from "../flows/index.js";
import type { Connection, HeldChanges, HeldTupleEntry, Timestamp } from "../flows/index.js";
import { eventFromMessage, responseFromJson } from "../hubble/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import { createFlowRun } from "../hubble/generate/index.js";
import { flow, tcpFlags } from "../flows/testdata/flow-builder.js";
import { REREAD_MS } from "./file-progress.js";
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

/** The stored copy of the tracker's held tuples, as the graph applies their changes. */
class HeldCopy {
  private readonly tuples = new Map<string, number>();

  constructor(from?: HeldCopy) {
    for (const [key, firstMs] of from?.entries() ?? []) this.tuples.set(key, firstMs);
  }

  apply(changes: HeldChanges): void {
    for (const [key, firstMs] of changes.added) this.tuples.set(key, firstMs);
    for (const [key, firstMs] of this.tuples) if (firstMs <= changes.expiredThrough) this.tuples.delete(key);
  }

  entries(): HeldTupleEntry[] {
    return [...this.tuples];
  }

  get size(): number {
    return this.tuples.size;
  }
}

/**
 * Feeds `events` in batches through a progress and a tracker that starts from the held
 * tuples of `held` and leaves its own there; `stopAt` ends it early, without a drain (a crash).
 */
function run(events: readonly HubbleEvent[], progress: StreamProgress, stopAt?: number, held = new HeldCopy()): { out: Connection[]; tracker: ConnectionTracker; held: HeldCopy } {
  const tracker = new ConnectionTracker(new IdentityResolver(), { originOf: progress.originOf, replay: progress.replay, logHeld: true });
  tracker.restoreHeld(held.entries());
  const out: Connection[] = [];
  const end = stopAt ?? events.length;
  for (let i = 0; i < end; i += 250) {
    for (const e of progress.take(events.slice(i, Math.min(end, i + 250)))) if (e.kind === "flow") tracker.push(e.flow, out);
  }
  if (stopAt === undefined) tracker.drain(out);
  const copy = new HeldCopy(held);
  copy.apply(tracker.takeHeldChanges());
  return { out, tracker, held: copy };
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
    expect(crashed.held.size).toBeGreaterThan(0);
    const resumed = run(resent, second, undefined, crashed.held);
    expect(second.skipped).toBeGreaterThan(0);
    expect(tally([...crashed.out, ...resumed.out])).toEqual(clean);
  });

  it("reads again only seconds before the crash", () => {
    const crashAt = 12_000;
    const first = new StreamProgress(undefined);
    const crashed = run(events, first, crashAt);
    const cursor = first.cursor(crashed.tracker);
    if (cursor === undefined) throw new Error("no cursor");
    const lastRead = events[crashAt - 1];
    if (lastRead?.kind !== "flow") throw new Error("the stream holds flows");
    // In flight: at most the merge window (1 s) and the wait for a direction (0.5 s).
    const back = toMillis(lastRead.flow.time) - toMillis(cursor.start);
    expect(back).toBeGreaterThanOrEqual(REREAD_MS);
    expect(back).toBeLessThanOrEqual(REREAD_MS + 1_500);
  });

  it("takes back the held TCP 5-tuples: later packets of connections counted before a crash are not counted again", () => {
    // 40 connections opened a tenth of a second apart, each with a packet 10, 20 and 30 s later.
    const T0 = 1_700_000_000_000;
    const long: HubbleEvent[] = [];
    for (let k = 0; k < 40; k++) {
      for (const [after, flags] of [[0, "S"], [10_000, "PA"], [20_000, "PA"], [30_000, "A"]] as const) {
        const f = flow({ at: T0 + k * 100 + after, l4: { protocol: "TCP", sourcePort: 40_000 + k, destinationPort: 8080, flags: tcpFlags(flags) } });
        long.push({ kind: "flow", flow: { ...f, uuid: `c${String(k)}-${String(after)}` }, nodeName: f.nodeName });
      }
    }
    long.sort((a, b) => (a.kind === "flow" && b.kind === "flow" ? toMillis(a.flow.time) - toMillis(b.flow.time) : 0));
    const whole = run(long, new StreamProgress(undefined));
    expect(whole.out.map((c) => c.kind)).toEqual(Array<string>(40).fill("new"));
    // A crash after the packets at 10 s (flow 80 of 160): the SYNs are far out of the re-read.
    const first = new StreamProgress(undefined);
    const crashed = run(long, first, 80);
    const cursor = first.cursor(crashed.tracker);
    if (cursor === undefined) throw new Error("no cursor");
    expect(crashed.held.size).toBe(40);
    const resent = long.filter((e) => e.kind === "flow" && later(e.flow.time, cursor.start));
    // Read again: the packets at 10 s (within REREAD_MS of the last one read), not the SYNs.
    expect(resent.length).toBe(120);
    const resumed = run(resent, new StreamProgress(cursor), undefined, crashed.held);
    expect(tally([...crashed.out, ...resumed.out])).toEqual(tally(whole.out));
    // Without them, each connection's later packets would count as a connection of its own.
    const forgetful = run(resent, new StreamProgress(cursor));
    expect(forgetful.out.filter((c) => c.kind === "existing").length).toBe(40);
  });

  it("a second crash while reading again keeps the first cursor's word for what it has not reached", () => {
    const first = new StreamProgress(undefined);
    const crashed = run(events, first, 12_000);
    const cursor = first.cursor(crashed.tracker);
    if (cursor === undefined) throw new Error("no cursor");
    const resent = events.filter((e) => e.kind === "flow" && later(e.flow.time, cursor.start));
    const second = new StreamProgress(cursor);
    const again = run(resent, second, 100, crashed.held);
    const cursor2 = second.cursor(again.tracker);
    if (cursor2 === undefined) throw new Error("no second cursor");
    expect(cursor2.start).toEqual(cursor.start);
    expect(cursor2.last).toEqual(cursor.last);
    const third = new StreamProgress(cursor2);
    const resumed = run(events.filter((e) => e.kind === "flow" && later(e.flow.time, cursor2.start)), third, undefined, again.held);
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
