import { describe, expect, it } from "vitest";
import { flowRole } from "./flow-role.js";
import type { FlowRole } from "./flow-role.js";
import { flow, tcpFlags } from "./testdata/flow-builder.js";
import type { FlowSpec } from "./testdata/flow-builder.js";

const tcp = (flags: string) => ({ protocol: "TCP" as const, sourcePort: 40000, destinationPort: 8080, flags: tcpFlags(flags) });
const udp = { protocol: "UDP" as const, sourcePort: 53000, destinationPort: 53 };
const open: FlowRole = { role: "open" };
const skip = (reason: string) => ({ role: "skip", reason });

const cases: [string, FlowSpec, unknown][] = [
  ["a TCP SYN opens a connection", { l4: tcp("S") }, open],
  ["a TCP SYN of unknown direction still opens one", { l4: tcp("S"), isReply: undefined }, open],
  ["a SYN-ACK is a reply even when is_reply is unknown", { l4: tcp("SA"), isReply: undefined }, skip("reply")],
  ["a reply flow is never a connection", { l4: tcp("S"), isReply: true }, skip("reply")],
  ["a request-direction ACK continues a connection", { l4: tcp("PA") }, { role: "continue" }],
  ["an ACK of unknown direction is not guessed", { l4: tcp("A"), isReply: undefined }, { role: "unknown-direction" }],
  ["trace reason REPLY settles an unknown direction", { l4: tcp("A"), isReply: undefined, traceReason: "REPLY" }, skip("reply")],
  ["trace reason ESTABLISHED marks the request direction", { l4: tcp("A"), isReply: undefined, traceReason: "ESTABLISHED" }, { role: "continue" }],
  ["a policy-verdict event opens a connection", { l4: tcp("A"), isReply: undefined, eventType: { type: 5, subType: 0 } }, open],
  ["a policy drop opens a connection", { l4: tcp("A"), isReply: undefined, verdict: "DROPPED", dropReason: "POLICY_DENIED", eventType: { type: 1, subType: 133 } }, open],
  ["a datapath drop of unknown direction is not guessed", { l4: tcp("A"), isReply: undefined, verdict: "DROPPED", dropReason: "CT_MAP_INSERTION_FAILED" }, { role: "unknown-direction" }],
  ["every UDP request packet opens", { l4: udp }, open],
  ["a UDP packet of unknown direction is not guessed", { l4: udp, isReply: undefined }, { role: "unknown-direction" }],
  ["a UDP reply is not a connection", { l4: udp, isReply: true }, skip("reply")],
  ["an ICMP echo request opens", { l4: { protocol: "ICMPv4", type: 8, code: 0 } }, open],
  ["an L7 request is a request", { type: "L7", eventType: { type: 129, subType: 0 }, l7: { type: "REQUEST", latencyNs: 0, http: undefined, dns: undefined, other: false } }, { role: "request" }],
  ["an L7 response is not a connection", { type: "L7", isReply: true, l7: { type: "RESPONSE", latencyNs: 5, http: undefined, dns: undefined, other: false } }, skip("l7-response")],
  ["socket-LB events are not packets", { type: "SOCK", eventType: { type: 7, subType: 0 } }, skip("socket-lb")],
  ["a flow without a destination is skipped", { destination: undefined }, skip("no-endpoints")],
];

describe("flowRole", () => {
  it.each(cases)("%s", (_name, spec, expected) => {
    expect(flowRole(flow(spec))).toEqual(expected);
  });

  it("skips flows without L4", () => {
    const f = { ...flow(), l4: undefined };
    expect(flowRole(f)).toEqual(skip("no-l4"));
  });
});
