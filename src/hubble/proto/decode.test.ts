import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Flow } from "../../flows/index.js";
import { decodeResponse, eventFromMessage } from "./decode.js";
import { responseFromJson } from "./json-to-message.js";
import { messageType } from "./proto-root.js";

const DATA = join(import.meta.dirname, "../../../../shared/data/hubble-otel");

function readCapture(name: string): unknown[] {
  return readFileSync(join(DATA, name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
}

function flowsOf(records: readonly unknown[]): Flow[] {
  return records.map((r) => {
    const conv = responseFromJson(r);
    if (!conv.ok) throw new Error(`${conv.problem.path}: ${conv.problem.message}`);
    const event = eventFromMessage(conv.message);
    if (event.kind !== "flow") throw new Error(`expected a flow, got ${event.kind}`);
    return event.flow;
  });
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe("decoding the recorded captures", () => {
  it("reads the TCP capture with the verdict and type counts its description states", () => {
    const flows = flowsOf(readCapture("basic-sample-400-tcp-flows.json"));
    expect(flows).toHaveLength(400);
    expect(countBy(flows, (f) => f.verdict)).toEqual({ FORWARDED: 373, REDIRECTED: 27 });
    expect(countBy(flows, (f) => f.type)).toEqual({ L3_L4: 335, L7: 65 });
    expect(flows.filter((f) => f.eventType.type === 5)).toHaveLength(27);
    expect(flows.filter((f) => f.l7?.http !== undefined)).toHaveLength(65);
  });

  it("reads the UDP capture with its DNS records and policy verdicts", () => {
    const flows = flowsOf(readCapture("basic-sample-400-udp-flows.json"));
    expect(countBy(flows, (f) => f.verdict)).toEqual({ FORWARDED: 370, REDIRECTED: 30 });
    expect(flows.filter((f) => f.l7?.dns !== undefined)).toHaveLength(148);
    expect(flows.filter((f) => f.eventType.type === 5)).toHaveLength(30);
    expect(flows.every((f) => f.l4?.protocol === "UDP")).toBe(true);
  });

  it("keeps the first flow's fields exactly", () => {
    const [first] = flowsOf(readCapture("basic-sample-400-tcp-flows.json"));
    expect(first).toMatchObject({
      time: { seconds: 1636540856, nanos: 465597700 },
      verdict: "FORWARDED",
      ip: { source: "10.244.0.177", destination: "10.244.0.110", ipVersion: "IPv4" },
      l4: { protocol: "TCP", sourcePort: 35128, destinationPort: 9080, flags: { ACK: true, SYN: false } },
      nodeName: "kind-control-plane",
      traceObservationPoint: "TO_PROXY",
      trafficDirection: "EGRESS",
      isReply: false,
      eventType: { type: 4, subType: 1 },
      summary: "TCP Flags: ACK",
    });
    expect(first?.source).toMatchObject({ id: 881, identity: 3418, namespace: "bookinfo", podName: "productpage-v1-6b746f74dc-9rcxx" });
    expect(first?.source?.labels).toContain("k8s:app=productpage");
  });

  it("treats an absent is_reply as unknown and the deprecated reply flag as a reply", () => {
    const flows = flowsOf(readCapture("basic-sample-400-tcp-flows.json"));
    expect(flows.filter((f) => f.isReply === undefined)).toHaveLength(50);
    expect(flows.filter((f) => f.isReply === true)).toHaveLength(71 + 32 + 29);
  });

  it("survives a wire round trip unchanged", () => {
    const type = messageType("observer.GetFlowsResponse");
    for (const record of readCapture("basic-sample-400-udp-flows.json").slice(0, 50)) {
      const conv = responseFromJson(record);
      if (!conv.ok) throw new Error(conv.problem.message);
      const bytes = type.encode(conv.message).finish();
      expect(decodeResponse(bytes)).toEqual(eventFromMessage(conv.message));
    }
  });
});

describe("bad and unusual records", () => {
  it.each([
    ["a non-object", 42, "$", "expected a JSON object"],
    ["a bad timestamp", { flow: { time: "yesterday" } }, "$.flow.time", "not an RFC 3339 timestamp"],
    ["a non-boolean is_reply", { flow: { is_reply: "yes" } }, "$.flow.is_reply", "expected a boolean"],
    ["a string where an object belongs", { flow: { l4: "tcp" } }, "flow.Flow.l4", "object expected"],
  ])("rejects %s naming the field", (_name, record, path, message) => {
    const conv = responseFromJson(record);
    expect(conv.ok).toBe(false);
    if (!conv.ok) {
      expect(conv.problem.path).toBe(path);
      expect(conv.problem.message).toContain(message);
    }
  });

  it("decodes unknown enum numbers from a newer Cilium without error", () => {
    const conv = responseFromJson({ flow: { verdict: 42, drop_reason_desc: 250, trace_observation_point: 77 } });
    expect(conv.ok).toBe(true);
    if (!conv.ok) return;
    const bytes = messageType("observer.GetFlowsResponse").encode(conv.message).finish();
    const event = decodeResponse(bytes);
    expect(event.kind).toBe("flow");
    if (event.kind !== "flow") return;
    expect(event.flow.verdict).toBe("VERDICT_UNKNOWN");
    expect(event.flow.dropReason).toBe("250");
    expect(event.flow.traceObservationPoint).toBe("77");
  });

  it("accepts lost events and bare legacy flows", () => {
    const lost = responseFromJson({
      lost_events: { source: "HUBBLE_RING_BUFFER", num_events_lost: "12", cpu: 3 },
      node_name: "kind-worker",
      time: "2024-11-22T04:06:57.531201Z",
    });
    expect(lost.ok && eventFromMessage(lost.message)).toEqual({
      kind: "lost-events", source: "HUBBLE_RING_BUFFER", count: 12, cpu: 3, nodeName: "kind-worker",
      time: { seconds: 1732248417, nanos: 531201000 },
    });
    const bare = responseFromJson({ time: "2024-11-22T04:06:57Z", verdict: "DROPPED", drop_reason_desc: "POLICY_DENIED", node_name: "n1" });
    const event = bare.ok ? eventFromMessage(bare.message) : undefined;
    expect(event?.kind === "flow" && event.flow.dropReason).toBe("POLICY_DENIED");
  });
});
