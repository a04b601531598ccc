import { describe, expect, it } from "vitest";
import { decodeResponse } from "./decode.js";
import { eventProblem } from "./event-check.js";
import { messageType } from "./proto-root.js";

// Wire messages built from objects, as a Hubble server would send them: a uint32 on the
// wire can exceed a port's range and a uint64 the safe integers, which JSON checks never see.
function wire(object: Record<string, unknown>): Uint8Array {
  const type = messageType("observer.GetFlowsResponse");
  return type.encode(type.fromObject(object)).finish();
}

describe("eventProblem on decoded wire messages", () => {
  it("passes a sound flow, lost events and node status", () => {
    const ok = [
      wire({ flow: { source: { namespace: "shop", pod_name: "web-0", labels: ["k8s:app=web"] }, l4: { TCP: { source_port: 40000, destination_port: 443 } } } }),
      wire({ lost_events: { source: 1, num_events_lost: 3 } }),
      wire({ node_status: { state_change: 1, node_names: ["n1"] } }),
    ];
    for (const bytes of ok) expect(eventProblem(decodeResponse(bytes))).toBeUndefined();
  });

  it.each([
    ["a port past 16 bits", { flow: { l4: { UDP: { source_port: 70000, destination_port: 53 } } } }, "flow.l4.UDP.source_port", "70000 is not a valid port (an integer from 0 to 65535)"],
    ["an ICMP type past a byte", { flow: { l4: { ICMPv6: { type: 300 } } } }, "flow.l4.ICMPv6.type", "300 is not a valid ICMP type (an integer from 0 to 255)"],
    ["a hostile namespace", { flow: { destination: { namespace: "../.." } } }, "flow.destination.namespace", /^"..\/.." is not a valid namespace name/],
    ["a lost-events count past 2^53", { lost_events: { num_events_lost: "18446744073709551615" } }, "lost_events.num_events_lost", /is not a count of events/],
  ])("refuses %s, naming the field", (_what, object, path, message) => {
    const problem = eventProblem(decodeResponse(wire(object)));
    expect(problem?.path).toBe(path);
    if (typeof message === "string") expect(problem?.message).toBe(message);
    else expect(problem?.message).toMatch(message);
  });
});
