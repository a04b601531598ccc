import { describe, expect, it } from "vitest";
import { ConnectionTracker, IdentityResolver } from "../flows/index.js";
import type { Connection } from "../flows/index.js";
import { flow, tcpFlags } from "../flows/testdata/flow-builder.js";
import { GraphWriter } from "./graph-writer.js";
import { queryGraph } from "./graph-query.js";
import { RetentionRunner, runRetention } from "./retention.js";
import { dbOf, openGraphStore } from "./store.js";
import { graphTotals } from "./summary-queries.js";
import { connection, workload } from "./testdata/connections.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const a = workload("ns", "a");
const b = workload("ns", "b");
const c = workload("ns", "c");

function filled() {
  const store = openGraphStore({ path: ":memory:" });
  const writer = new GraphWriter(store);
  // a→b on day 0 and day 20; a→c only on day 0.
  void writer.accept([connection(T0 + HOUR / 2, a, b), connection(T0 + 20 * DAY, a, b), connection(T0 + 5, a, c)]);
  void writer.accept([connection(T0 + 20 * DAY + 3 * HOUR, a, b, { kind: "request", l7: { kind: "http", method: "GET", url: "/", path: "/" } })]);
  writer.close();
  return store;
}

const count = (store: ReturnType<typeof filled>, table: string): unknown => dbOf(store).prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe("windows", () => {
  it("answers any window to the minute", () => {
    const store = filled();
    const window = (sinceMs: number, untilMs: number) => queryGraph(store, { window: { sinceMs, untilMs } }).edges.map((e) => [e.destination, e.connections, e.requests]);
    expect(window(T0, T0 + DAY)).toEqual([[b.key, 1, 0], [c.key, 1, 0]]);
    expect(window(T0 + DAY, T0 + 30 * DAY)).toEqual([[b.key, 1, 1]]);
    // a→c at 00:00:00.005 is not in [00:30, 01:00); a→b at 00:30 is. 20d+3h is not in [20d, 20d+3h).
    expect(window(T0 + HOUR / 2, T0 + HOUR)).toEqual([[b.key, 1, 0]]);
    expect(window(T0 + 20 * DAY, T0 + 20 * DAY + 3 * HOUR)).toEqual([[b.key, 1, 0]]);
    expect(graphTotals(store, { window: { sinceMs: T0 + 2 * DAY, untilMs: T0 + 3 * DAY } })).toMatchObject({ edges: 0, identities: 0, firstSeenMs: undefined });
  });
});

describe("retention", () => {
  it("deletes old buckets, then edges and identities left without any", () => {
    const store = filled();
    const deleted = runRetention(store, T0 + 34 * DAY, { retentionMs: 14 * DAY, limit: 1 });
    expect(deleted).toBeGreaterThan(0);
    const graph = queryGraph(store, { window: { sinceMs: 0, untilMs: T0 + 40 * DAY } });
    expect(graph.edges.map((e) => [e.destination, e.connections, e.firstSeenMs])).toEqual([[b.key, 1, T0 + 20 * DAY]]);
    expect(graph.identities.map((i) => i.identity.key)).toEqual([a.key, b.key]);
    expect(count(store, "identities")).toBe(2);
    expect(count(store, "edges")).toBe(1);
    expect(count(store, "edge_samples")).toBe(1);
    expect(runRetention(store, T0 + 34 * DAY, { retentionMs: 14 * DAY })).toBe(0);
  });

  it("runs in the background in small transactions until nothing is left", async () => {
    const store = filled();
    const runner = new RetentionRunner(store, { retentionMs: 14 * DAY, limit: 1, now: () => T0 + 60 * DAY });
    const deleted = await runner.runOnce();
    expect(deleted).toBe(runner.deleted);
    expect(count(store, "edge_buckets")).toBe(0);
    expect(count(store, "edges")).toBe(0);
    expect(count(store, "identities")).toBe(0);
  });
});

describe("retention of end variants", () => {
  it("never drops a variant that flow counts kept by the retention still name, even below an hour", () => {
    const store = openGraphStore({ path: ":memory:" });
    const writer = new GraphWriter(store);
    const tracker = new ConnectionTracker(new IdentityResolver());
    // One new connection a minute for five hours, between the same two workloads.
    for (let m = 0; m < 300; m++) {
      const out: Connection[] = [];
      tracker.push(flow({ at: T0 + m * 60_000, l4: { protocol: "TCP", sourcePort: 30_000 + m, destinationPort: 8080, flags: tcpFlags("S") } }), out);
      void writer.accept(out, tracker.takeFlowCounts());
      writer.flush();
    }
    writer.close();
    runRetention(store, T0 + 300 * 60_000, { retentionMs: 30 * 60_000 });
    const db = dbOf(store);
    const kept = db.prepare("SELECT count(*) FROM edge_variants").pluck().get();
    expect(kept).toBeGreaterThanOrEqual(29);
    const dangling = db.prepare(`SELECT count(*) FROM edge_variants ev
      WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.id = ev.source_variant)
         OR NOT EXISTS (SELECT 1 FROM variants v WHERE v.id = ev.destination_variant)`).pluck().get();
    expect(dangling).toBe(0);
  });
});
