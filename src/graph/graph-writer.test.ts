import { describe, expect, it } from "vitest";
import { endpointVariant } from "../flows/index.js";
import type { EndpointVariant, FlowCount } from "../flows/index.js";
import { L7_OVERFLOW, MAX_L7_PER_EDGE } from "./batch-aggregate.js";
import { readCursor } from "./cursor.js";
import { GraphWriter } from "./graph-writer.js";
import { queryGraph } from "./graph-query.js";
import { dbOf, openGraphStore } from "./store.js";
import { edgeSamples, graphTotals, topTalkers } from "./summary-queries.js";
import { connection, side, workload, world } from "./testdata/connections.js";

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const HOUR = 3_600_000;
const web = workload("shop", "web");
const api = workload("shop", "api");
const db = workload("data", "postgres");
const ALL = { window: { sinceMs: T0 - 24 * HOUR, untilMs: T0 + 24 * HOUR } };

function setup(options: { maxKeys?: number } = {}) {
  const store = openGraphStore({ path: ":memory:", now: () => T0 });
  return { store, writer: new GraphWriter(store, { source: "test", ...options }) };
}

describe("GraphWriter", () => {
  it("counts new connections per verdict, requests, and existing sightings separately", () => {
    const { store, writer } = setup();
    void writer.accept([
      connection(T0, web, api),
      connection(T0 + 1, web, api),
      connection(T0 + 2, web, api, { verdict: "DROPPED", egress: side("DROPPED") }),
      connection(T0 + 3, web, api, { kind: "request", l7: { kind: "http", method: "GET", url: "/orders/17?x=1", path: "/orders/17" } }),
      connection(T0 + 4, web, api, { kind: "existing", egress: side("FORWARDED", "trace") }),
    ]);
    void writer.accept([connection(T0 + 5, web, api, { verdict: "AUDIT", egress: side("AUDIT") })]);
    writer.close();
    const [edge] = queryGraph(store, ALL).edges;
    expect(edge).toMatchObject({
      source: web.key, destination: api.key, protocol: "TCP", port: 8080, firstSeenMs: T0, lastSeenMs: T0 + 5,
      connections: 4, connectionsByVerdict: { FORWARDED: 2, DROPPED: 1, AUDIT: 1 },
      requests: 1, requestsByVerdict: { FORWARDED: 1 }, existing: 1, dropReasons: { POLICY_DENIED: 1 },
      http: [{ method: "GET", path: "/orders/{id}?{query}", count: 1, passed: 1 }],
    });
    expect(edge?.sides).toContainEqual({ kind: "new", side: "egress", verdict: "FORWARDED", source: "policy-verdict", count: 2 });
    expect(edge?.sides).toContainEqual({ kind: "new", side: "ingress", verdict: "", source: "", count: 4 });
  });

  it("keeps flow counts per pair of end variants and hour, and edges that only such counts show", () => {
    const { store, writer } = setup();
    const variant = (labels: string[], ip = "") => endpointVariant({ labels, namespace: "shop", identity: 0, ip, dnsNames: [] });
    const v1 = variant(["k8s:app=web", "k8s:version=v1"]);
    const v2 = variant(["k8s:app=web", "k8s:version=v2"]);
    const target = variant(["k8s:app=api"]);
    const count = (source: EndpointVariant, at: number, forwarded: number, dropped = 0): FlowCount => ({
      source: web, destination: api, protocol: "TCP", port: 8080, sourceVariant: source, destinationVariant: target,
      bucketMs: Math.floor(at / 60_000) * 60_000, forwarded, l7: 0, audited: 0, dropped, firstMs: at, lastMs: at,
    });
    void writer.accept([connection(T0, web, api)], [count(v1, T0, 3), count(v2, T0 + 1, 1, 2)]);
    writer.flush();
    void writer.accept([], [count(v1, T0 + 5, 2), count(v1, T0 + HOUR, 4)]);
    void writer.accept([connection(T0 + 6, web, api, { kind: "unknown", protocol: "UDP", port: 47000 })]);
    writer.close();
    const edges = queryGraph(store, ALL).edges;
    const tcp = edges.find((e) => e.port === 8080);
    expect(tcp?.variants?.map((v) => [v.source.labels.at(-1), v.destination.text === target.text, v.forwarded, v.dropped])).toEqual([
      ["k8s:version=v1", true, 9, 0],
      ["k8s:version=v2", true, 1, 2],
    ]);
    expect(edges.find((e) => e.port === 47000)).toMatchObject({ connections: 0, unknown: 1, variants: [] });
    // A window of the first hour reads that hour's counts only.
    const first = queryGraph(store, { window: { sinceMs: T0, untilMs: T0 + HOUR } }).edges;
    expect(first.find((e) => e.port === 8080)?.variants?.map((v) => v.forwarded)).toEqual([5, 1]);
    // The second hour holds only flow counts (the last packets of a connection opened the
    // hour before): the edge is in that window all the same, with its counts and times.
    const later = queryGraph(store, { window: { sinceMs: T0 + HOUR, untilMs: T0 + 2 * HOUR } }).edges;
    expect(later.map((e) => [e.port, e.connections, e.variants?.map((v) => v.forwarded), e.firstSeenMs])).toEqual([[8080, 0, [4], T0 + HOUR]]);
    expect(graphTotals(store, { window: { sinceMs: T0 + HOUR, untilMs: T0 + 2 * HOUR } })).toMatchObject({ edges: 1, connections: 0, existing: 0 });
  });

  it("accumulates across flushes and keeps identities with their labels", () => {
    const { store, writer } = setup();
    void writer.accept([connection(T0, web, db, { protocol: "TCP", port: 5432 })]);
    writer.flush();
    void writer.accept([connection(T0 + HOUR, workload("shop", "web", { tier: "front" }), db, { port: 5432 })]);
    writer.close();
    const graph = queryGraph(store, ALL);
    expect(graph.edges.map((e) => [e.port, e.connections, e.firstSeenMs, e.lastSeenMs])).toEqual([[5432, 2, T0, T0 + HOUR]]);
    const stored = graph.identities.find((i) => i.identity.key === web.key);
    expect(stored?.identity).toMatchObject({ kind: "workload", namespace: "shop", name: "web", labels: { app: "web", tier: "front" } });
    expect(stored?.lastSeenMs).toBe(T0 + HOUR);
  });

  it("keeps DNS names with counts and world peers with their names", () => {
    const { store, writer } = setup();
    const dns = workload("kube-system", "coredns");
    const q = (ms: number, query: string) => connection(ms, web, dns, { kind: "request", protocol: "UDP", port: 53, l7: { kind: "dns", query, qtypes: ["A"] } });
    void writer.accept([q(T0, "api.example.com."), q(T0 + 1, "API.example.com."), q(T0 + 2, "cdn.example.net.")]);
    void writer.accept([connection(T0, web, world("203.0.113.9", ["api.example.com"]), { port: 443 })]);
    writer.close();
    const graph = queryGraph(store, ALL);
    expect(graph.edges.find((e) => e.port === 53)?.dns.map((d) => [d.query, d.count])).toEqual([["api.example.com.", 2], ["cdn.example.net.", 1]]);
    expect(graph.identities.find((i) => i.identity.key === "world:203.0.113.9")?.identity).toMatchObject({ entity: "world", dnsNames: ["api.example.com"] });
  });

  it("bounds L7 detail per edge, pooling the rest", () => {
    const { store, writer } = setup();
    const paths = Array.from({ length: MAX_L7_PER_EDGE + 10 }, (_, i) => `/section-${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}x`);
    for (const [i, path] of paths.entries()) {
      void writer.accept([connection(T0 + i, web, api, { kind: "request", l7: { kind: "http", method: "GET", url: path, path } })]);
      if (i % 20 === 0) writer.flush();
    }
    writer.close();
    const http = queryGraph(store, ALL).edges[0]?.http ?? [];
    expect(http.length).toBeLessThanOrEqual(MAX_L7_PER_EDGE + 1);
    expect(http.reduce((n, h) => n + h.count, 0)).toBe(paths.length);
    expect(http.some((h) => h.path === L7_OVERFLOW)).toBe(true);
  });

  it("flushes when a batch reaches its key bound and stores the cursor with the batch", async () => {
    const { store, writer } = setup({ maxKeys: 10 });
    writer.advanceCursor({ time: { seconds: T0 / 1000, nanos: 5 }, flowKey: "uuid-1" });
    // Advanced, not yet committed.
    expect(writer.stats.committedTime).toBeUndefined();
    const result = writer.accept(Array.from({ length: 20 }, (_, i) => connection(T0, workload("ns", `w${i}`), api)));
    expect(result).toBeInstanceOf(Promise);
    await result;
    expect(writer.stats.flushes).toBe(1);
    expect(readCursor(store, "test")).toEqual({ time: { seconds: T0 / 1000, nanos: 5 }, flowKey: "uuid-1" });
    expect(writer.stats.committedTime).toEqual({ seconds: T0 / 1000, nanos: 5 });
    expect(readCursor(store, "other")).toBeUndefined();
  });

  it("keeps a few samples per edge and verdict, preferring new connections", () => {
    const { store, writer } = setup();
    void writer.accept([
      connection(T0, web, api, { sourceIp: "10.0.0.7" }),
      connection(T0 + 10, web, api, { kind: "existing" }),
      connection(T0 + 20, web, api, { verdict: "DROPPED", egress: side("DROPPED") }),
    ]);
    writer.close();
    const samples = edgeSamples(store, { source: web.key, destination: api.key, protocol: "TCP", port: 8080 });
    expect(samples.map((s) => [s.verdict, s.connection.kind])).toEqual([["DROPPED", "new"], ["FORWARDED", "new"]]);
    expect(samples[1]?.connection.sourceIp).toBe("10.0.0.7");
  });

  it("writes one sample per hour, which an existing connection later that hour does not replace", () => {
    const { store, writer } = setup();
    void writer.accept([connection(T0, web, api, { sourceIp: "10.0.0.7" })]);
    writer.flush();
    void writer.accept([connection(T0 + 60_000, web, api, { kind: "existing", sourceIp: "10.0.0.8" })]);
    writer.flush();
    void writer.accept([connection(T0 + HOUR, web, api, { kind: "existing", sourceIp: "10.0.0.9" })]);
    writer.close();
    const samples = edgeSamples(store, { source: web.key, destination: api.key, protocol: "TCP", port: 8080 });
    expect(samples.map((s) => [s.connection.kind, s.connection.sourceIp]).sort()).toEqual([["existing", "10.0.0.9"], ["new", "10.0.0.7"]]);
  });

  it("answers totals, top talkers and namespace or workload filters", () => {
    const { store, writer } = setup();
    void writer.accept([connection(T0, web, api), connection(T0, web, api), connection(T0, api, db, { port: 5432 })]);
    writer.noteLostEvents("node-a", "PERF_EVENT_RING_BUFFER", 7, T0);
    writer.close();
    expect(graphTotals(store, ALL)).toMatchObject({ identities: 3, edges: 2, connections: 3, lostEvents: 7, lostBySource: { PERF_EVENT_RING_BUFFER: 7 } });
    expect(topTalkers(store, ALL, 1)).toEqual([{ identity: api.key, sent: 1, received: 2, dropped: 0, peers: 2 }]);
    expect(queryGraph(store, { ...ALL, namespace: "data" }).edges.map((e) => e.source)).toEqual([api.key]);
    expect(queryGraph(store, { ...ALL, workload: "shop/web" }).edges.map((e) => e.destination)).toEqual([api.key]);
    expect(queryGraph(store, { ...ALL, workload: "shop/none" }).edges).toEqual([]);
    // Names from the cluster go through parameters, never into SQL text.
    expect(queryGraph(store, { ...ALL, namespace: "x' OR '1'='1" }).edges).toEqual([]);
    expect(dbOf(store).prepare("SELECT count(*) FROM identities").pluck().get()).toBe(3);
  });
});
