import { describe, expect, it } from "vitest";
import { endpointVariant } from "../flows/index.js";
import type { FlowCount } from "../flows/index.js";
import { GraphWriter } from "./graph-writer.js";
import { queryGraph } from "./graph-query.js";
import { RetentionRunner, runRetention } from "./retention.js";
import { dbOf, openGraphStore } from "./store.js";
import type { GraphStore } from "./store.js";
import { graphTotals } from "./summary-queries.js";
import { connection, workload } from "./testdata/connections.js";
import type { TimeWindow } from "./window.js";

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const web = workload("shop", "web");
const api = workload("shop", "api");
const at = (h: number, m: number, s = 0): number => T0 + h * HOUR + m * MINUTE + s * 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

const variant = endpointVariant({ labels: ["k8s:app=web"], namespace: "shop", identity: 0, ip: "", dnsNames: [] });
const target = endpointVariant({ labels: ["k8s:app=api"], namespace: "shop", identity: 0, ip: "", dnsNames: [] });

/** The flow count of one forwarded flow at `ms`, as the tally makes it. */
function flow(ms: number): FlowCount {
  return {
    source: web, destination: api, protocol: "TCP", port: 8080, sourceVariant: variant, destinationVariant: target,
    bucketMs: Math.floor(ms / MINUTE) * MINUTE, forwarded: 1, l7: 0, audited: 0, dropped: 0, firstMs: ms, lastMs: ms,
  };
}

/** A graph holding one web→api connection, with its flow, at each time. */
function graphOf(times: readonly number[]): GraphStore {
  const store = openGraphStore({ path: ":memory:" });
  const writer = new GraphWriter(store);
  void writer.accept(times.map((t) => connection(t, web, api)), times.map(flow));
  writer.close();
  return store;
}

function edgeOf(store: GraphStore, window: TimeWindow) {
  const graph = queryGraph(store, { window });
  const edge = graph.edges[0];
  return {
    window: { since: iso(graph.window.sinceMs), until: iso(graph.window.untilMs), note: graph.window.note },
    connections: edge?.connections ?? 0,
    flows: edge?.variants?.reduce((n, v) => n + v.forwarded, 0) ?? 0,
    firstSeen: edge === undefined ? undefined : iso(edge.firstSeenMs),
    lastSeen: edge === undefined ? undefined : iso(edge.lastSeenMs),
  };
}

const TIMES = [at(0, 0, 10), at(0, 0, 20), at(0, 29, 59), at(0, 30), at(0, 45, 30), at(0, 59, 59), at(1, 0), at(1, 20)];

describe("windows to the minute", () => {
  it("answers since 00:30 until 01:00 with the traffic of 00:30–01:00 only, and says so", () => {
    const store = graphOf(TIMES);
    expect(edgeOf(store, { sinceMs: at(0, 30), untilMs: at(1, 0) })).toEqual({
      window: { since: "2026-01-01T00:30:00.000Z", until: "2026-01-01T01:00:00.000Z", note: undefined },
      connections: 3, flows: 3, firstSeen: "2026-01-01T00:30:00.000Z", lastSeen: "2026-01-01T00:59:59.000Z",
    });
    expect(edgeOf(store, { sinceMs: at(0, 0), untilMs: at(0, 30) })).toMatchObject({ connections: 3, flows: 3, lastSeen: "2026-01-01T00:29:59.000Z" });
    expect(edgeOf(store, { sinceMs: at(0, 1), untilMs: at(0, 29) })).toMatchObject({ connections: 0, flows: 0, firstSeen: undefined });
  });

  it("widens a bound that cuts a minute holding traffic on both sides to the whole minute, with a note", () => {
    const store = graphOf(TIMES);
    // 00:00:15 falls between the flows at :10 and :20 of minute 00:00; 00:45:10 and 00:45:40 cut
    // the minute of 00:45:30 on either side of its one flow.
    expect(edgeOf(store, { sinceMs: at(0, 0, 15), untilMs: at(0, 45, 40) })).toEqual({
      window: {
        since: "2026-01-01T00:00:00.000Z", until: "2026-01-01T00:45:40.000Z",
        note: "widened since 2026-01-01T00:00:15.000Z to 2026-01-01T00:00:00.000Z: the graph counts traffic per minute, and a minute's counts cannot be split",
      },
      connections: 5, flows: 5, firstSeen: "2026-01-01T00:00:10.000Z", lastSeen: "2026-01-01T00:45:30.000Z",
    });
    // A bound inside a minute whose traffic lies wholly on one side of it moves nothing.
    expect(edgeOf(store, { sinceMs: at(0, 0, 5), untilMs: at(0, 45, 10) })).toMatchObject({
      window: { since: "2026-01-01T00:00:05.000Z", until: "2026-01-01T00:45:10.000Z", note: undefined }, connections: 4,
    });
    expect(edgeOf(store, { sinceMs: at(0, 0, 25), untilMs: at(0, 45, 31) }).window.note).toBeUndefined();
  });

  it("widens the until bound to the end of the minute whose traffic may reach past it", () => {
    const store = graphOf(TIMES);
    // 00:00:15 falls between the flows at :10 and :20 of minute 00:00.
    const cut = edgeOf(store, { sinceMs: T0 - HOUR, untilMs: at(0, 0, 15) });
    expect(cut).toMatchObject({ window: { until: "2026-01-01T00:01:00.000Z" }, connections: 2, flows: 2, lastSeen: "2026-01-01T00:00:20.000Z" });
    expect(cut.window.note).toMatch(/^widened until 2026-01-01T00:00:15.000Z to 2026-01-01T00:01:00.000Z: the graph counts traffic per minute/);
  });

  it("cuts lost events and totals by the same rule", () => {
    const store = openGraphStore({ path: ":memory:" });
    const writer = new GraphWriter(store);
    void writer.accept(TIMES.map((t) => connection(t, web, api)));
    writer.noteLostEvents("node-a", "PERF_EVENT_RING_BUFFER", 5, at(0, 10));
    writer.noteLostEvents("node-a", "PERF_EVENT_RING_BUFFER", 7, at(0, 40));
    writer.close();
    const totals = graphTotals(store, { window: { sinceMs: at(0, 30), untilMs: at(1, 0) } });
    expect(totals).toMatchObject({ connections: 3, lostEvents: 7, firstSeenMs: at(0, 30), lastSeenMs: at(0, 59, 59) });
    expect(totals.window).toEqual({ sinceMs: at(0, 30), untilMs: at(1, 0) });
    expect(graphTotals(store, { window: { sinceMs: at(0, 40, 30), untilMs: at(1, 0) } }).window).toMatchObject({ sinceMs: at(0, 40) });
  });
});

describe("hour rows", () => {
  it("rolls minutes older than the minute-resolution period up into hours, keeping counts and times", () => {
    const store = graphOf(TIMES);
    const rows = (table: string, span: number): unknown => dbOf(store).prepare(`SELECT count(*) FROM ${table} WHERE span = ?`).pluck().get(span);
    expect([rows("edge_buckets", MINUTE), rows("edge_variants", MINUTE)]).toEqual([7, 7]);
    // Now is 01:30 the next day: hour 00 is older than 24 hours, hour 01 is not all older.
    const rolled = runRetention(store, at(25, 30), { retentionMs: 0 });
    expect(rolled).toBe(10);
    expect([rows("edge_buckets", HOUR), rows("edge_buckets", MINUTE), rows("edge_variants", HOUR), rows("edge_variants", MINUTE)]).toEqual([1, 2, 1, 2]);
    const whole = edgeOf(store, { sinceMs: T0, untilMs: at(2, 0) });
    expect(whole).toMatchObject({ connections: 8, flows: 8, firstSeen: "2026-01-01T00:00:10.000Z", lastSeen: "2026-01-01T01:20:00.000Z" });
    expect(whole.window.note).toBeUndefined();
    // The user's window over rolled-up data: the hour is taken whole, and the answer says so.
    expect(edgeOf(store, { sinceMs: at(0, 30), untilMs: at(1, 0) })).toEqual({
      window: {
        since: "2026-01-01T00:00:00.000Z", until: "2026-01-01T01:00:00.000Z",
        note: "widened since 2026-01-01T00:30:00.000Z to 2026-01-01T00:00:00.000Z: the graph holds traffic there by the hour (older than the minute-resolution period, or stored before minute buckets), and an hour's counts cannot be split",
      },
      connections: 6, flows: 6, firstSeen: "2026-01-01T00:00:10.000Z", lastSeen: "2026-01-01T00:59:59.000Z",
    });
    // Minutes written after the roll-up (late traffic) join the hour row at the next one.
    const writer = new GraphWriter(store);
    void writer.accept([connection(at(0, 50), web, api)], [flow(at(0, 50))]);
    writer.close();
    expect(edgeOf(store, { sinceMs: T0, untilMs: at(1, 0) })).toMatchObject({ connections: 7, flows: 7 });
    runRetention(store, at(25, 30), { retentionMs: 0 });
    expect([rows("edge_buckets", HOUR), rows("edge_buckets", MINUTE)]).toEqual([1, 2]);
    expect(edgeOf(store, { sinceMs: T0, untilMs: at(1, 0) })).toMatchObject({ connections: 7, flows: 7 });
  });

  it("rolls up in the daemon's runner with retention 0, then looks only at hours that became old since", async () => {
    const store = graphOf(TIMES);
    let now = at(25, 30);
    const runner = new RetentionRunner(store, { retentionMs: 0, now: () => now });
    expect(await runner.runOnce()).toBe(10);
    const minutes = (): unknown => dbOf(store).prepare("SELECT count(*) FROM edge_buckets WHERE span = ?").pluck().get(MINUTE);
    expect(minutes()).toBe(2);
    // A late minute of an edge with no minute newer than the last run's bound is left to the
    // next start (it stays exact); the hour that became old since the last run is rolled up.
    const writer = new GraphWriter(store);
    void writer.accept([connection(at(0, 5) - 2 * 86_400_000, web, workload("shop", "db"))]);
    writer.close();
    now = at(26, 30);
    expect(await runner.runOnce()).toBe(4);
    expect(minutes()).toBe(1);
    expect(runRetention(store, now, { retentionMs: 0 })).toBe(1);
    expect(edgeOf(store, { sinceMs: T0, untilMs: at(2, 0) })).toMatchObject({ connections: 8, flows: 8 });
  });

  it("rolls lost events up and deletes hours past retention with their flow counts", () => {
    const store = graphOf(TIMES);
    const writer = new GraphWriter(store);
    writer.noteLostEvents("node-a", "PERF_EVENT_RING_BUFFER", 5, at(0, 10));
    writer.noteLostEvents("node-a", "PERF_EVENT_RING_BUFFER", 7, at(0, 40));
    writer.close();
    runRetention(store, at(25, 30), { retentionMs: 0 });
    const db = dbOf(store);
    expect(db.prepare("SELECT bucket, span, count FROM lost_events").all()).toEqual([{ bucket: T0, span: HOUR, count: 12 }]);
    // Keep 24.5 hours at 01:30 the next day: hour 00 goes, minutes of hour 01 stay.
    runRetention(store, at(25, 30), { retentionMs: 24 * HOUR + 30 * MINUTE });
    expect(db.prepare("SELECT bucket, span, forwarded FROM edge_variants ORDER BY bucket").all()).toEqual([
      { bucket: at(1, 0), span: MINUTE, forwarded: 1 }, { bucket: at(1, 20), span: MINUTE, forwarded: 1 },
    ]);
    expect(db.prepare("SELECT count(*) FROM lost_events").pluck().get()).toBe(0);
    expect(edgeOf(store, { sinceMs: T0, untilMs: at(2, 0) })).toMatchObject({ connections: 2, firstSeen: "2026-01-01T01:00:00.000Z" });
  });
});
