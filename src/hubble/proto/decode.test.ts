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
    ["a string where an object belongs", { flow: { l4: "tcp" } }, "$.flow.l4", 'expected an object, found "tcp"'],
    ["a port past 32 bits", { flow: { l4: { TCP: { destination_port: 99999999999 } } } }, "$.flow.l4.TCP.destination_port", "expected an integer from 0 to 4294967295 (uint32), found 99999999999"],
    ["a negative port", { flow: { l4: { UDP: { source_port: -1 } } } }, "$.flow.l4.UDP.source_port", "found -1"],
    ["a fractional port", { flow: { l4: { TCP: { source_port: 1.5 } } } }, "$.flow.l4.TCP.source_port", "found 1.5"],
    ["a port written as a string", { flow: { l4: { TCP: { source_port: "80" } } } }, "$.flow.l4.TCP.source_port", 'found "80"'],
    ["an ICMP type that is not a number", { flow: { l4: { ICMPv4: { type: true } } } }, "$.flow.l4.ICMPv4.type", "found true"],
    ["a lost-events count past 2^53", { lost_events: { num_events_lost: 1e300 } }, "$.lost_events.num_events_lost", "expected a non-negative safe integer"],
    ["a negative lost-events count", { lost_events: { num_events_lost: "-5" } }, "$.lost_events.num_events_lost", 'found "-5"'],
    ["a fractional CPU", { lost_events: { num_events_lost: 1, cpu: 1.5 } }, "$.lost_events.cpu.value", "found 1.5"],
    ["a namespace that is not a string", { flow: { source: { namespace: 5 } } }, "$.flow.source.namespace", "expected a string, found 5"],
    ["labels that are not a list", { flow: { source: { labels: "k8s:app=x" } } }, "$.flow.source.labels", "expected an array"],
    ["a label that is not a string", { flow: { source: { labels: ["k8s:app=x", 7] } } }, "$.flow.source.labels[1]", "expected a string, found 7"],
    ["a flag that is not a boolean", { flow: { l4: { TCP: { flags: { SYN: "false" } } } } }, "$.flow.l4.TCP.flags.SYN", 'expected a boolean, found "false"'],
    ["an enum number out of range", { flow: { verdict: 1e12 } }, "$.flow.verdict", "expected an enum name or number"],
    ["a null flow", { flow: null }, "$.flow", "expected an object, found null"],
    ["a null flow with a node name", { flow: null, node_name: "n1" }, "$.flow", "expected an object, found null"],
    ["an empty record", {}, "$", "the record holds no flow, lost_events or node_status"],
    ["a record of unknown fields only", { something: 1 }, "$", "the record holds no flow, lost_events or node_status"],
  ])("rejects %s naming the field", (_name, record, path, message) => {
    const conv = responseFromJson(record);
    expect(conv.ok).toBe(false);
    if (!conv.ok) {
      expect(conv.problem.path).toBe(path);
      expect(conv.problem.message).toContain(message);
    }
  });

  it("takes 64-bit integers as decimal strings or numbers, as protojson writes and reads them", () => {
    for (const count of ["12", 12, "9007199254740991"]) expect(responseFromJson({ lost_events: { num_events_lost: count } }).ok).toBe(true);
    expect(responseFromJson({ lost_events: { num_events_lost: "9007199254740992" } }).ok).toBe(false);
  });

  it("passes over agent and debug events, valid records that hold no flow", () => {
    for (const record of [{ agent_event: { type: "AGENT_STARTED" } }, { debug_event: { type: "DBG_GENERIC" } }]) {
      const conv = responseFromJson(record);
      expect(conv.ok && eventFromMessage(conv.message).kind).toBe("empty");
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
