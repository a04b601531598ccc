import { describe, expect, it } from "vitest";
import type { Flow } from "./flow.js";
import { FlowSettler } from "./flow-settler.js";
import type { SettledFlow } from "./flow-settler.js";
import { flow, pod, reservedEndpoint, tcpFlags } from "./testdata/flow-builder.js";
import type { FlowSpec } from "./testdata/flow-builder.js";

const T0 = 1_700_000_000_000;
const WEB = { source: "10.0.1.10", destination: "10.0.2.20", sourceXlated: "", ipVersion: "IPv4" as const, encrypted: false };
const BACK = { ...WEB, source: WEB.destination, destination: WEB.source };
const udp = (sourcePort: number, destinationPort: number) => ({ protocol: "UDP" as const, sourcePort, destinationPort });

function settle(specs: readonly FlowSpec[], options = {}): { settled: SettledFlow[]; settler: FlowSettler; flows: Flow[] } {
  const settler = new FlowSettler(options);
  const settled: SettledFlow[] = [];
  const flows = specs.map((s) => flow(s));
  for (const f of flows) settler.push(f, (s) => settled.push(s));
  settler.drain((s) => settled.push(s));
  return { settled, settler, flows };
}

const directions = (settled: readonly SettledFlow[]) => settled.map((s) => [s.direction, s.settledBy]);

describe("FlowSettler", () => {
  it("passes flows whose direction Hubble reported through at once", () => {
    const { settled, settler } = settle([{ at: T0, isReply: false }, { at: T0 + 1, ip: BACK, isReply: true, l4: { protocol: "TCP", sourcePort: 8080, destinationPort: 40000, flags: tcpFlags("SA") } }]);
    expect(directions(settled)).toEqual([["request", "reported"], ["reply", "reported"]]);
    expect(settler.stats).toMatchObject({ reported: 2, unknown: 0 });
  });

  it("settles a record without is_reply by a later sighting of its own 5-tuple", () => {
    const { settled, flows } = settle([
      { at: T0, l4: udp(53000, 53), isReply: undefined, traceObservationPoint: "TO_OVERLAY" },
      { at: T0 + 2, l4: udp(53000, 53), isReply: false, traceObservationPoint: "TO_ENDPOINT" },
    ]);
    // The held record comes out after the one that settled it.
    expect(settled.map((s) => s.flow)).toEqual([flows[1], flows[0]]);
    expect(directions(settled)).toEqual([["request", "reported"], ["request", "tuple"]]);
  });

  it("settles a record without is_reply as a reply when its reverse 5-tuple was a request", () => {
    const { settled } = settle([
      { at: T0, l4: udp(53000, 53), isReply: false },
      { at: T0 + 1, ip: BACK, l4: udp(53, 53000), isReply: undefined, traceObservationPoint: "TO_STACK" },
    ]);
    expect(directions(settled)).toEqual([["request", "reported"], ["reply", "tuple"]]);
  });

  it("settles by the port a destination serves in settled requests, in either direction", () => {
    const { settled, settler } = settle([
      { at: T0, l4: udp(53000, 53), isReply: false },
      // Another client port to the DNS server: a request (the DNS proxy's upstream leg).
      { at: T0 + 1, l4: udp(33960, 53), isReply: undefined, source: reservedEndpoint("remote-node", 6) },
      // From the DNS server's port to a port nobody serves: a reply.
      { at: T0 + 2, ip: BACK, l4: udp(53, 41909), isReply: undefined },
    ]);
    expect(directions(settled)).toEqual([["request", "reported"], ["request", "server"], ["reply", "server"]]);
    expect(settler.stats).toMatchObject({ byServer: 2 });
  });

  it("leaves a record nothing settles unknown once its hold has passed", () => {
    const lone: FlowSpec = { at: T0, l4: udp(45000, 47000), isReply: undefined };
    const settler = new FlowSettler({ holdMs: 500 });
    const settled: SettledFlow[] = [];
    settler.push(flow(lone), (s) => settled.push(s));
    expect(settled).toEqual([]);
    expect(settler.waiting).toBe(1);
    settler.push(flow({ at: T0 + 501, isReply: false }), (s) => settled.push(s));
    expect(directions(settled)).toEqual([["unknown", "unsettled"], ["request", "reported"]]);
    expect(settler.stats.unknown).toBe(1);
  });

  it("learns serving ports only from reported directions, so one inference never feeds another", () => {
    const { settled } = settle([
      { at: T0, l4: udp(53000, 53), isReply: false },
      // Settled by the server on port 53 ...
      { at: T0 + 1, l4: udp(40000, 53), isReply: undefined },
      // ... which must not make port 40000 of this client a server.
      { at: T0 + 2, ip: BACK, l4: udp(7000, 40000), isReply: undefined },
    ]);
    expect(directions(settled)).toEqual([["request", "reported"], ["request", "server"], ["unknown", "unsettled"]]);
  });

  it("bounds the flows waiting for evidence", () => {
    const specs = Array.from({ length: 10 }, (_, i): FlowSpec => ({ at: T0, l4: udp(40000 + i, 47000 + i), isReply: undefined }));
    const settler = new FlowSettler({ maxHeld: 3 });
    const settled: SettledFlow[] = [];
    for (const s of specs) settler.push(flow(s), (x) => settled.push(x));
    expect(settler.waiting).toBe(3);
    expect(settled).toHaveLength(7);
  });

  describe("L7 records that label a proxied peer world", () => {
    const details = pod("bookinfo", "details", { identity: 5239 });
    const product = pod("bookinfo", "productpage", { identity: 3418 });
    const worldDetails = { ...reservedEndpoint("world", 2), namespace: "bookinfo", podName: details.podName };
    const http = { code: 0, method: "GET", url: "http://details:9080/details/0", protocol: "HTTP/1.1", headers: [] };
    const l4 = { protocol: "TCP" as const, sourcePort: 52818, destinationPort: 9080, flags: tcpFlags("") };
    const toProxy: FlowSpec = { at: T0, l4: { ...l4, flags: tcpFlags("S") }, source: product, destination: details, traceObservationPoint: "TO_PROXY" };
    const request: FlowSpec = {
      at: T0 + 5, type: "L7", eventType: { type: 129, subType: 0 }, l4, source: product, destination: worldDetails, isReply: false,
      l7: { type: "REQUEST", latencyNs: 0, http, dns: undefined, other: false },
    };
    const response: FlowSpec = {
      ...request, at: T0 + 8, ip: BACK, l4: { ...l4, sourcePort: 9080, destinationPort: 52818 }, source: worldDetails, destination: product, isReply: true,
      l7: { type: "RESPONSE", latencyNs: 100, http: { ...http, code: 200 }, dns: undefined, other: false },
    };

    it("take the managed endpoint the L3/L4 records of the same 5-tuple carry", () => {
      const { settled, settler } = settle([toProxy, request, response]);
      expect(settled[1]?.flow.destination).toBe(details);
      expect(settled[2]?.flow.source).toBe(details);
      expect(settler.stats.corrected).toBe(2);
    });

    it("stay world without such records, as Cilium enforces them", () => {
      const { settled } = settle([request]);
      expect(settled[0]?.flow.destination).toEqual(worldDetails);
    });

    it("keep a managed peer the record already names", () => {
      const { settled, settler } = settle([toProxy, { ...request, destination: details }]);
      expect(settled[1]?.flow.destination).toBe(details);
      expect(settler.stats.corrected).toBe(0);
    });
  });
});
