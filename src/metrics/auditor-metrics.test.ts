import { describe, expect, it } from "vitest";
import { createMetrics } from "./auditor-metrics.js";
import { labelValues, parseExposition, valueOf } from "./testdata/exposition.js";
import { HOST, conn, dropped, flowEvent, streamState, workload } from "./testdata/samples.js";

const P = "hubble_auditor_";

async function samplesOf(metrics: ReturnType<typeof createMetrics>) {
  return parseExposition(await metrics.render());
}

describe("AuditorMetrics", () => {
  it("counts flows by verdict and type and derives lag and last flow time from a batch", async () => {
    const metrics = createMetrics({ defaultMetrics: false, now: () => 1_700_000_010_000 });
    metrics.observeEvents([flowEvent(1_700_000_000_000), flowEvent(1_700_000_004_000, "DROPPED"), flowEvent(1_700_000_002_000, "FORWARDED", "L7")]);
    const s = await samplesOf(metrics);
    expect(valueOf(s, `${P}flows_received_total`, { verdict: "FORWARDED", type: "L3_L4" })).toBe(1);
    expect(valueOf(s, `${P}flows_received_total`, { verdict: "DROPPED", type: "L3_L4" })).toBe(1);
    expect(valueOf(s, `${P}flows_received_total`, { verdict: "FORWARDED", type: "L7" })).toBe(1);
    expect(valueOf(s, `${P}ingest_lag_seconds`)).toBe(6);
    expect(valueOf(s, `${P}last_flow_timestamp_seconds`)).toBe(1_700_000_004);
  });

  it("never moves the last flow time back when older flows arrive", async () => {
    const metrics = createMetrics({ defaultMetrics: false, now: () => 1_700_000_010_000 });
    metrics.observeEvents([flowEvent(1_700_000_005_000)]);
    metrics.observeEvents([flowEvent(1_700_000_001_000)]);
    expect(valueOf(await samplesOf(metrics), `${P}last_flow_timestamp_seconds`)).toBe(1_700_000_005);
  });

  it("counts policy drops by the enforcing side's namespace, direction and reason", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const web = workload("shop", "web");
    const db = workload("data", "postgres");
    metrics.accept([
      conn(web, db),
      dropped(web, db, "ingress"),
      dropped(web, db, "egress", "POLICY_DENY"),
      dropped(HOST, db, "egress"),
      dropped(web, db, "ingress", "CT_MAP_INSERTION_FAILED"),
    ]);
    const s = await samplesOf(metrics);
    const drops = `${P}policy_drops_total`;
    expect(valueOf(s, drops, { namespace: "data", direction: "ingress", reason: "POLICY_DENIED" })).toBe(1);
    expect(valueOf(s, drops, { namespace: "shop", direction: "egress", reason: "POLICY_DENY" })).toBe(1);
    expect(valueOf(s, drops, { namespace: "_reserved", direction: "egress", reason: "POLICY_DENIED" })).toBe(1);
    // A datapath drop is not a policy drop; it still counts as a dropped connection.
    expect(labelValues(s, drops, "reason")).toEqual(["POLICY_DENIED", "POLICY_DENY"]);
    expect(valueOf(s, `${P}connections_total`, { verdict: "DROPPED", kind: "new" })).toBe(4);
    expect(valueOf(s, `${P}connections_total`, { verdict: "FORWARDED", kind: "new" })).toBe(1);
  });

  it("counts packets of unknown direction apart from connections", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.accept([conn(workload("shop"), workload("data")), conn(workload("shop"), workload("data"), { kind: "unknown" }), conn(workload("shop"), workload("data"), { kind: "unknown" })]);
    const s = await samplesOf(metrics);
    expect(valueOf(s, `${P}flows_unknown_direction_total`, {})).toBe(2);
    expect(valueOf(s, `${P}connections_total`, { verdict: "FORWARDED", kind: "new" })).toBe(1);
  });

  it("keeps the namespace label to the top N and folds the rest into other", async () => {
    const metrics = createMetrics({ defaultMetrics: false, namespaceLimit: 2 });
    const ns = (i: number) => workload(`ns-${i}`);
    for (let i = 0; i < 50; i++) metrics.accept([dropped(HOST, ns(i), "ingress")]);
    const s = await samplesOf(metrics);
    expect(labelValues(s, `${P}policy_drops_total`, "namespace")).toEqual(["ns-0", "ns-1", "other"]);
    expect(valueOf(s, `${P}policy_drops_total`, { namespace: "other", direction: "ingress", reason: "POLICY_DENIED" })).toBe(48);
  });

  it("moves a busy namespace out of other at the next audit and removes the evicted series", async () => {
    const metrics = createMetrics({ defaultMetrics: false, namespaceLimit: 1 });
    metrics.accept([dropped(HOST, workload("quiet"), "ingress")]);
    for (let i = 0; i < 10; i++) metrics.accept([dropped(HOST, workload("busy"), "ingress")]);
    let s = await samplesOf(metrics);
    expect(labelValues(s, `${P}policy_drops_total`, "namespace")).toEqual(["other", "quiet"]);
    metrics.observeAudit([{ namespace: "busy", wouldBeDrops: 3, unusedAllows: 0, readiness: 0.5 }, { namespace: "quiet", wouldBeDrops: 1, unusedAllows: 2, readiness: 0.9 }]);
    metrics.accept([dropped(HOST, workload("busy"), "ingress")]);
    s = await samplesOf(metrics);
    expect(labelValues(s, `${P}policy_drops_total`, "namespace")).toEqual(["busy", "other"]);
    expect(valueOf(s, `${P}would_be_drops`, { namespace: "busy" })).toBe(3);
    expect(valueOf(s, `${P}would_be_drops`, { namespace: "other" })).toBe(1);
    expect(valueOf(s, `${P}unused_allows`, { namespace: "other" })).toBe(2);
  });

  it("replaces audit gauges with each audit; other gets summed counts and the lowest readiness", async () => {
    const metrics = createMetrics({ defaultMetrics: false, namespaceLimit: 1 });
    metrics.accept([conn(workload("a"), workload("a", "b"))]);
    metrics.observeAudit([
      { namespace: "a", wouldBeDrops: 1, unusedAllows: 1, readiness: 1 },
      { namespace: "b", wouldBeDrops: 2, unusedAllows: 0, readiness: 0.4 },
      { namespace: "c", wouldBeDrops: 3, unusedAllows: 5, readiness: 0.8 },
      { namespace: "d", wouldBeDrops: 0, unusedAllows: 0, readiness: undefined },
    ], 1.5);
    let s = await samplesOf(metrics);
    expect(valueOf(s, `${P}would_be_drops`, { namespace: "other" })).toBe(5);
    expect(valueOf(s, `${P}unused_allows`, { namespace: "other" })).toBe(5);
    expect(valueOf(s, `${P}namespace_readiness_ratio`, { namespace: "other" })).toBe(0.4);
    expect(valueOf(s, `${P}namespace_readiness_ratio`, { namespace: "a" })).toBe(1);
    expect(valueOf(s, `${P}audit_namespaces`)).toBe(4);
    expect(valueOf(s, `${P}audit_duration_seconds_count`)).toBe(1);
    metrics.observeAudit([{ namespace: "a", wouldBeDrops: 0, unusedAllows: 0, readiness: undefined }]);
    s = await samplesOf(metrics);
    expect(labelValues(s, `${P}would_be_drops`, "namespace")).toEqual(["a"]);
    expect(labelValues(s, `${P}namespace_readiness_ratio`, "namespace")).toEqual([]);
  });

  it("turns cumulative stream totals into counter increments, treating a decrease as a new stream", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeStream(streamState({ status: "reconnecting", reconnects: 2, lostEvents: { PERF_EVENT_RING_BUFFER: 5, "9": 1 } }));
    metrics.observeStream(streamState({ reconnects: 3, lostEvents: { PERF_EVENT_RING_BUFFER: 7, "9": 1 }, lastFlowTime: { seconds: 1_700_000_000, nanos: 500_000_000 } }));
    let s = await samplesOf(metrics);
    expect(valueOf(s, `${P}stream_reconnects_total`)).toBe(3);
    expect(valueOf(s, `${P}lost_events_total`, { source: "PERF_EVENT_RING_BUFFER" })).toBe(7);
    expect(valueOf(s, `${P}lost_events_total`, { source: "other" })).toBe(1);
    expect(valueOf(s, `${P}stream_connected`)).toBe(1);
    expect(valueOf(s, `${P}last_flow_timestamp_seconds`)).toBe(1_700_000_000.5);
    metrics.observeStream(streamState({ status: "connecting", reconnects: 1 }));
    s = await samplesOf(metrics);
    expect(valueOf(s, `${P}stream_reconnects_total`)).toBe(4);
    expect(valueOf(s, `${P}stream_connected`)).toBe(0);
  });

  it("records writer flushes exactly, or from cumulative stats", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeWriterFlush({ connections: 500, durationMs: 20 });
    metrics.observeWriterStats({ flushes: 2, connections: 100, lastFlushMs: 4 });
    metrics.observeWriterStats({ flushes: 2, connections: 100, lastFlushMs: 4 });
    const s = await samplesOf(metrics);
    expect(valueOf(s, `${P}writer_batch_size_count`)).toBe(3);
    expect(valueOf(s, `${P}writer_batch_size_sum`)).toBe(600);
    expect(valueOf(s, `${P}writer_flush_duration_seconds_sum`)).toBeCloseTo(0.028);
  });

  it("includes the default process metrics unless turned off", async () => {
    const names = new Set(parseExposition(await createMetrics().render()).map((x) => x.name));
    expect(names.has("process_cpu_seconds_total")).toBe(true);
    expect(names.has("nodejs_heap_size_used_bytes")).toBe(true);
  });

  it("names every metric of ours with the prefix and every counter with _total", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const json = await metrics.registry.getMetricsAsJSON();
    for (const m of json) {
      expect(m.name.startsWith(P)).toBe(true);
      if (String(m.type) === "counter") expect(m.name.endsWith("_total")).toBe(true);
    }
  });
});
