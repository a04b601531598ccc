// The recorded bookinfo captures ingested into the graph, checked against counts worked out
// by hand from the raw files: SYNs without ACK (each paired with a REDIRECTED policy verdict
// at the client's egress), DNS query datagrams to the proxy (19 and 11 of them carrying a
// REDIRECTED policy verdict, the rest only a trace), and L7 request records.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { persistFlows } from "../src/ingest/index.js";
import { graphTotals, openGraphStore, queryGraph } from "../src/graph/index.js";
import type { GraphStore, ObservedEdge } from "../src/graph/index.js";
import { eventBatches, readFlowFile } from "../src/hubble/index.js";

const DATA = join(import.meta.dirname, "../../shared/data/hubble-otel");
const EVERYTHING = { window: { sinceMs: Date.UTC(2021, 0, 1), untilMs: Date.UTC(2022, 0, 1) } };

async function ingest(store: GraphStore, file: string): Promise<void> {
  const path = join(DATA, file);
  await persistFlows(eventBatches(readFlowFile(path), { batchSize: 64 }), { store, source: `file:${path}`, reorderMs: 60_000 });
}

const short = (key: string): string => key.replace("/Deployment/", "/").replace("/DaemonSet/", "/");
function edgeMap(edges: readonly ObservedEdge[]): Record<string, Pick<ObservedEdge, "connectionsByVerdict" | "requests">> {
  return Object.fromEntries(
    edges.map((e) => [`${short(e.source)} -> ${short(e.destination)} ${e.protocol}/${e.port}`, { connectionsByVerdict: e.connectionsByVerdict, requests: e.requests }]),
  );
}

describe("graph of the recorded bookinfo captures", async () => {
  const store = openGraphStore({ path: ":memory:" });
  await ingest(store, "basic-sample-400-tcp-flows.json");
  await ingest(store, "basic-sample-400-udp-flows.json");
  const graph = queryGraph(store, EVERYTHING);
  const edges = edgeMap(graph.edges);

  it("has every edge with its connections per verdict, requests and pre-existing connections", () => {
    expect(Object.keys(edges).sort()).toEqual([
      "bookinfo/productpage-v1 -> bookinfo/details-v1 TCP/9080",
      "bookinfo/productpage-v1 -> bookinfo/reviews-v1 TCP/9080",
      "bookinfo/productpage-v1 -> bookinfo/reviews-v2 TCP/9080",
      "bookinfo/productpage-v1 -> bookinfo/reviews-v3 TCP/9080",
      "bookinfo/productpage-v1 -> kube-system/coredns UDP/53",
      "bookinfo/ratings-v1 -> bookinfo/productpage-v1 TCP/9080",
      "bookinfo/ratings-v1 -> kube-system/coredns UDP/53",
      "bookinfo/reviews-v2 -> bookinfo/ratings-v1 TCP/9080",
      "bookinfo/reviews-v3 -> bookinfo/ratings-v1 TCP/9080",
      "kube-system/otelcol-hubble-collector -> jaeger/jaeger-default TCP/14250",
      "kube-system/otelcol-hubble-collector -> reserved:host TCP/4244",
      "reserved:host -> jaeger/jaeger-default TCP/14269",
      // The DNS proxy's upstream leg: records without is_reply, settled as requests because
      // coredns serves UDP/53 in settled requests.
      "reserved:remote-node -> kube-system/coredns UDP/53",
      // One health-check packet without is_reply that no other record settles: kept as unknown.
      "reserved:remote-node -> reserved:health TCP/4240",
    ]);
    expect(edges["reserved:remote-node -> kube-system/coredns UDP/53"]).toEqual({ connectionsByVerdict: { FORWARDED: 74 }, requests: 0 });
    expect(graph.edges.find((e) => e.destination === "reserved:health")).toMatchObject({ connections: 0, unknown: 1 });
    expect(edges["bookinfo/productpage-v1 -> bookinfo/details-v1 TCP/9080"]).toEqual({ connectionsByVerdict: { REDIRECTED: 9 }, requests: 9 });
    expect(edges["bookinfo/productpage-v1 -> bookinfo/reviews-v2 TCP/9080"]).toEqual({ connectionsByVerdict: { REDIRECTED: 4 }, requests: 5 });
    expect(edges["bookinfo/ratings-v1 -> bookinfo/productpage-v1 TCP/9080"]).toEqual({ connectionsByVerdict: { REDIRECTED: 9 }, requests: 9 });
    expect(edges["bookinfo/productpage-v1 -> kube-system/coredns UDP/53"]).toEqual({ connectionsByVerdict: { REDIRECTED: 19, FORWARDED: 29 }, requests: 48 });
    expect(edges["bookinfo/ratings-v1 -> kube-system/coredns UDP/53"]).toEqual({ connectionsByVerdict: { REDIRECTED: 11, FORWARDED: 15 }, requests: 26 });
    expect(edges["bookinfo/reviews-v2 -> bookinfo/ratings-v1 TCP/9080"]).toEqual({ connectionsByVerdict: {}, requests: 5 });
    // Connections opened before the capture began prove an edge without counting: the
    // fifth request to reviews-v2 rode one (its client leg 10.244.0.177:35128 shows no SYN),
    // and so did all the collector's traffic.
    const existing = (key: string) => graph.edges.find((e) => `${short(e.source)} -> ${short(e.destination)} ${e.protocol}/${e.port}` === key)?.existing;
    expect(existing("bookinfo/productpage-v1 -> bookinfo/reviews-v2 TCP/9080")).toBeGreaterThan(0);
    expect(existing("kube-system/otelcol-hubble-collector -> jaeger/jaeger-default TCP/14250")).toBeGreaterThan(0);
    expect(edges["kube-system/otelcol-hubble-collector -> jaeger/jaeger-default TCP/14250"]).toEqual({ connectionsByVerdict: {}, requests: 0 });
    expect(edges["reserved:host -> jaeger/jaeger-default TCP/14269"]).toEqual({ connectionsByVerdict: { FORWARDED: 1 }, requests: 0 });
  });

  it("keeps which event decided each side: policy verdicts for redirected DNS, traces for the rest", () => {
    const dns = graph.edges.find((e) => e.port === 53 && e.source.endsWith("/productpage-v1"));
    const egress = dns?.sides.filter((s) => s.kind === "new" && s.side === "egress").map((s) => [s.verdict, s.source, s.count]);
    expect(egress?.sort()).toEqual([["FORWARDED", "trace", 29], ["REDIRECTED", "policy-verdict", 19]]);
  });

  it("stores HTTP method and path templates with counts", () => {
    const http = Object.fromEntries(graph.edges.filter((e) => e.http.length > 0).map((e) => [`${short(e.source)} -> ${short(e.destination)}`, e.http.map((h) => `${h.method} ${h.path} ${h.count}`)]));
    expect(http).toEqual({
      "bookinfo/productpage-v1 -> bookinfo/details-v1": ["GET /details/{id} 9"],
      "bookinfo/productpage-v1 -> bookinfo/reviews-v1": ["GET /reviews/{id} 2"],
      "bookinfo/productpage-v1 -> bookinfo/reviews-v2": ["GET /reviews/{id} 5"],
      "bookinfo/productpage-v1 -> bookinfo/reviews-v3": ["GET /reviews/{id} 3"],
      "bookinfo/ratings-v1 -> bookinfo/productpage-v1": ["GET /productpage 9"],
      "bookinfo/reviews-v2 -> bookinfo/ratings-v1": ["GET /ratings/{id} 5"],
    });
  });

  it("stores DNS query names with counts", () => {
    const dns = Object.fromEntries(graph.edges.filter((e) => e.dns.length > 0).map((e) => [short(e.source), e.dns.map((d) => `${d.query} ${d.count}`)]));
    expect(dns).toEqual({
      "bookinfo/productpage-v1": ["details.bookinfo.svc.cluster.local. 24", "reviews.bookinfo.svc.cluster.local. 24"],
      "bookinfo/ratings-v1": ["productpage.bookinfo.svc.cluster.local. 26"],
    });
  });

  it("counts nothing twice when a file is ingested again", async () => {
    const before = graphTotals(store, EVERYTHING);
    expect(before).toMatchObject({ identities: 12, edges: 14, connections: 103 + 74, requests: 107, dropped: 0 });
    await ingest(store, "basic-sample-400-tcp-flows.json");
    await ingest(store, "basic-sample-400-udp-flows.json");
    expect(graphTotals(store, EVERYTHING)).toEqual(before);
  });
});
