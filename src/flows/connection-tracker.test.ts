import { describe, expect, it } from "vitest";
import type { Connection } from "./connection.js";
import { ConnectionTracker } from "./connection-tracker.js";
import { IdentityResolver } from "./identity-resolver.js";
import { describeIdentity } from "./identity.js";
import { flow, pod, tcpFlags } from "./testdata/flow-builder.js";
import type { FlowSpec } from "./testdata/flow-builder.js";

const T0 = 1_700_000_000_000;
const tcp = (flags: string, sourcePort = 40000) => ({ protocol: "TCP" as const, sourcePort, destinationPort: 8080, flags: tcpFlags(flags) });
const udp = (sourcePort = 53000) => ({ protocol: "UDP" as const, sourcePort, destinationPort: 53 });
const reply = { ip: { source: "10.0.2.20", destination: "10.0.1.10", sourceXlated: "", ipVersion: "IPv4" as const, encrypted: false }, source: pod("shop", "api"), destination: pod("shop", "web") };

function track(specs: readonly FlowSpec[], options = {}): { out: Connection[]; tracker: ConnectionTracker } {
  const tracker = new ConnectionTracker(new IdentityResolver(), options);
  const out: Connection[] = [];
  for (const spec of specs) tracker.push(flow(spec), out);
  tracker.drain(out);
  return { out, tracker };
}

const egressSyn: FlowSpec = { at: T0, l4: tcp("S"), nodeName: "node-a", traceObservationPoint: "TO_OVERLAY", trafficDirection: "EGRESS" };
const ingressSyn: FlowSpec = { at: T0 + 1, l4: tcp("S"), nodeName: "node-b", traceObservationPoint: "TO_ENDPOINT", trafficDirection: "INGRESS" };

describe("ConnectionTracker", () => {
  it("counts a SYN seen at the source's egress and the destination's ingress once, keeping both verdicts", () => {
    const { out } = track([egressSyn, ingressSyn]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: "new", protocol: "TCP", port: 8080, verdict: "FORWARDED", nodes: ["node-a", "node-b"], events: 2,
      egress: { verdict: "FORWARDED", source: "trace" }, ingress: { verdict: "FORWARDED", source: "trace" },
    });
    const [only] = out;
    expect(only && describeIdentity(only.source)).toBe("shop/web");
    expect(only && describeIdentity(only.destination)).toBe("shop/api");
  });

  it("takes the policy verdict of record over traces of the same packet", () => {
    const { out } = track([
      egressSyn,
      { ...ingressSyn, eventType: { type: 5, subType: 0 }, verdict: "AUDIT", traceObservationPoint: "" },
      { ...ingressSyn, at: T0 + 2 },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]?.verdict).toBe("AUDIT");
    expect(out[0]?.ingress).toMatchObject({ verdict: "AUDIT", source: "policy-verdict" });
  });

  it("reports a policy drop once with its reason, from the verdict and the drop event", () => {
    const { out } = track([
      egressSyn,
      { ...ingressSyn, eventType: { type: 5, subType: 0 }, verdict: "DROPPED", traceObservationPoint: "" },
      { ...ingressSyn, eventType: { type: 1, subType: 133 }, verdict: "DROPPED", dropReason: "POLICY_DENIED", traceObservationPoint: "" },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ verdict: "DROPPED", dropReason: "POLICY_DENIED", egress: { verdict: "FORWARDED" }, ingress: { verdict: "DROPPED", source: "drop" } });
  });

  it("treats a SYN on the same 5-tuple within a minute as a retransmission", () => {
    const { out } = track([egressSyn, { ...egressSyn, at: T0 + 1000 }, { ...egressSyn, at: T0 + 3000 }, { ...egressSyn, at: T0 + 59_000 }]);
    expect(out.filter((c) => c.kind === "new")).toHaveLength(1);
  });

  it("leaves an emitted connection as it was when later packets of its 5-tuple arrive", () => {
    const { out, tracker } = track([egressSyn, { ...egressSyn, at: T0 + 2000, nodeName: "node-z" }, { at: T0 + 2500, l4: tcp("A"), isReply: undefined }]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: "new", events: 1, nodes: ["node-a"] });
    expect(tracker.stats.merged).toBe(2);
    expect(tracker.stats.unknownDirection).toBe(0);
  });

  it("logs the TCP 5-tuples it holds, and a tracker that takes them back knows their later packets", () => {
    const first = new ConnectionTracker(new IdentityResolver(), { logHeld: true });
    const out: Connection[] = [];
    first.push(flow(egressSyn), out);
    first.push(flow({ ...egressSyn, at: T0 + 1500, l4: udp() }), out);
    const changes = first.takeHeldChanges();
    // The SYN's connection left the merge window at T0 + 1500 ms; UDP is never held.
    expect(changes.added).toHaveLength(1);
    expect(changes.added[0]?.[1]).toBe(T0);
    expect(changes.expiredThrough).toBe(T0 + 1500 - 60_000);
    first.drain(out);
    // The drain forgets every tuple; the bound it reports stays with flow time.
    expect(first.takeHeldChanges()).toEqual({ added: [], expiredThrough: T0 + 1500 - 60_000 });
    const later = { ...egressSyn, at: T0 + 30_000, l4: tcp("PA") };
    const resumed = new ConnectionTracker(new IdentityResolver(), { logHeld: true });
    resumed.restoreHeld(changes.added);
    const again: Connection[] = [];
    resumed.push(flow(later), again);
    resumed.drain(again);
    expect(again).toEqual([]);
    expect(resumed.stats.merged).toBe(1);
    // Without them, the packet 30 s in is a connection already open when watching began.
    expect(track([later]).out.map((c) => c.kind)).toEqual(["existing"]);
  });

  it("counts a SYN on the same 5-tuple after the TIME_WAIT minute as a new connection", () => {
    const { out } = track([egressSyn, { ...egressSyn, at: T0 + 61_000 }]);
    expect(out.filter((c) => c.kind === "new")).toHaveLength(2);
  });

  it("never turns replies into connections", () => {
    const { out, tracker } = track([egressSyn, { ...egressSyn, ...reply, l4: tcp("SA"), isReply: true }, { ...egressSyn, ...reply, l4: tcp("A"), isReply: true }]);
    expect(out).toHaveLength(1);
    expect(tracker.stats.skipped.reply).toBe(2);
  });

  it("records traffic of a connection opened before observation as existing, once per minute", () => {
    const acks = [0, 500, 20_000, 40_000, 70_000].map((d) => ({ at: T0 + d, l4: tcp("PA") }));
    const { out } = track(acks);
    expect(out.map((c) => c.kind)).toEqual(["existing", "existing"]);
  });

  it("settles packets without a direction by their 5-tuple and by the port the server serves", () => {
    const { out, tracker } = track([
      egressSyn,
      // The SYN's own 5-tuple: a later packet of that connection.
      { at: T0 + 2, l4: tcp("A"), isReply: undefined, traceObservationPoint: "TO_OVERLAY" },
      // From the port the SYN went to, back to another port: a reply.
      { ...reply, at: T0 + 3, l4: tcp("A", 8080), isReply: undefined },
      // To the port the SYN went to, from a port never seen: a connection opened before observation.
      { at: T0 + 4, l4: tcp("A", 41000), isReply: undefined },
    ]);
    expect(out.map((c) => [c.kind, c.events])).toEqual([["new", 2], ["existing", 1]]);
    expect(tracker.stats.skipped.reply).toBe(1);
    expect(tracker.stats.unknownDirection).toBe(0);
    expect(tracker.settlerStats).toMatchObject({ byTuple: 1, byServer: 2, unknown: 0 });
  });

  it("counts a packet whose direction nothing settles on its edge as unknown, never as a connection", () => {
    const lone = { ip: { source: "10.0.3.30", destination: "10.0.4.40", sourceXlated: "", ipVersion: "IPv4" as const, encrypted: false } };
    const { out, tracker } = track([{ ...lone, at: T0, l4: { protocol: "UDP", sourcePort: 45000, destinationPort: 47000 }, isReply: undefined }]);
    expect(out.map((c) => [c.kind, c.protocol, c.port])).toEqual([["unknown", "UDP", 47000]]);
    expect(tracker.stats).toMatchObject({ connections: 1, unknownDirection: 1 });
  });

  it("counts every UDP request datagram, but one datagram seen at two points once", () => {
    const dns = (at: number, point: string, node: string): FlowSpec => ({ at, l4: udp(), nodeName: node, traceObservationPoint: point });
    const { out } = track([dns(T0, "TO_OVERLAY", "node-a"), dns(T0 + 1, "TO_ENDPOINT", "node-b"), dns(T0 + 100, "TO_OVERLAY", "node-a"), dns(T0 + 101, "TO_ENDPOINT", "node-b")]);
    expect(out.map((c) => [c.kind, c.protocol, c.port, c.events])).toEqual([["new", "UDP", 53, 2], ["new", "UDP", 53, 2]]);
  });

  it("turns L7 requests into request events with the URL path", () => {
    const http = { code: 0, method: "GET", url: "http://api.shop:8080/api/users/42?full=1", protocol: "HTTP/1.1", headers: [] };
    const { out } = track([{ at: T0, type: "L7", eventType: { type: 129, subType: 0 }, l4: tcp("", 40000), l7: { type: "REQUEST", latencyNs: 0, http, dns: undefined, other: false } }]);
    expect(out[0]).toMatchObject({ kind: "request", port: 8080, l7: { kind: "http", method: "GET", path: "/api/users/42" } });
  });

  it("merges the L7 proxy's upstream leg into the redirected connection", () => {
    const proxyIp = { source: "10.0.1.1", destination: "10.0.2.20", sourceXlated: "", ipVersion: "IPv4" as const, encrypted: false };
    const upstreamSource = { ...pod("shop", "web"), podName: "", id: 0 };
    const { out } = track([
      { at: T0, l4: tcp("S"), eventType: { type: 5, subType: 0 }, verdict: "REDIRECTED", traceObservationPoint: "" },
      { at: T0 + 1, l4: tcp("S"), traceObservationPoint: "TO_PROXY" },
      { at: T0 + 3, l4: tcp("S", 51000), ip: proxyIp, source: upstreamSource, traceObservationPoint: "TO_ENDPOINT", trafficDirection: "INGRESS" },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: "new", verdict: "REDIRECTED", events: 3, ingress: { verdict: "FORWARDED" } });
  });

  it("keeps memory bounded by emitting the oldest connections early", () => {
    const specs = Array.from({ length: 50 }, (_, i) => ({ at: T0 + i, l4: tcp("S", 30000 + i) }));
    const tracker = new ConnectionTracker(new IdentityResolver(), { maxTracked: 10 });
    const out: Connection[] = [];
    for (const spec of specs) {
      tracker.push(flow(spec), out);
      expect(tracker.size).toBeLessThanOrEqual(21);
    }
    tracker.drain(out);
    expect(out).toHaveLength(50);
    expect(tracker.stats.evictedEarly).toBe(40);
  });
});

