import { EVENT_TYPE } from "./flow.js";
import type { Flow } from "./flow.js";
import { isPolicyDrop } from "./policy-drop.js";

/**
 * Which way a packet travels relative to its connection: `request` from the side that
 * opened it, `reply` back, `unknown` when nothing tells.
 */
export type FlowDirection = "request" | "reply" | "unknown";

// ICMP messages that answer another one (RFC 792, RFC 4443): echo reply, timestamp reply,
// information reply, address mask reply; ICMPv6 echo reply. Requests: echo and the like.
const ICMP4_REPLIES: ReadonlySet<number> = new Set([0, 14, 16, 18]);
const ICMP4_REQUESTS: ReadonlySet<number> = new Set([8, 13, 15, 17]);
const ICMP6_REPLIES: ReadonlySet<number> = new Set([129]);
const ICMP6_REQUESTS: ReadonlySet<number> = new Set([128]);

/**
 * The direction Hubble's own fields give a flow, in this order:
 * 1. L7 records: REQUEST travels as a request; RESPONSE and SAMPLE do not.
 * 2. `is_reply` true (or the deprecated `reply`) is a reply, and so is a TCP SYN+ACK.
 * 3. Policy-verdict events and policy drops are emitted for the first packet of a new
 *    connection (conntrack lets replies of allowed connections through without a policy
 *    lookup): requests, whatever `is_reply` says when it is absent.
 * 4. `is_reply` false is a request.
 * 5. TCP: SYN without ACK opens (request).
 * 6. ICMP echo, timestamp, information and address-mask messages carry their direction in
 *    the type.
 * 7. The conntrack state of trace events: NEW / ESTABLISHED / REOPENED are the request
 *    direction, REPLY is a reply.
 * Anything else is `unknown`; see FlowSettler for what the other flows of the window can
 * tell. Nothing is ever guessed from port numbers alone.
 */
export function reportedDirection(flow: Flow): FlowDirection {
  if (flow.l7) return flow.l7.type === "REQUEST" ? "request" : "reply";
  const l4 = flow.l4;
  if (flow.isReply === true || (l4?.protocol === "TCP" && l4.flags.SYN && l4.flags.ACK)) return "reply";
  if (flow.eventType.type === EVENT_TYPE.policyVerdict || (flow.verdict === "DROPPED" && isPolicyDrop(flow.dropReason))) return "request";
  if (flow.isReply === false) return "request";
  if (l4?.protocol === "TCP" && l4.flags.SYN) return "request";
  if (l4?.protocol === "ICMPv4") {
    if (ICMP4_REPLIES.has(l4.type)) return "reply";
    if (ICMP4_REQUESTS.has(l4.type)) return "request";
  }
  if (l4?.protocol === "ICMPv6") {
    if (ICMP6_REPLIES.has(l4.type)) return "reply";
    if (ICMP6_REQUESTS.has(l4.type)) return "request";
  }
  switch (flow.traceReason) {
    case "NEW":
    case "ESTABLISHED":
    case "REOPENED":
      return "request";
    case "REPLY":
      return "reply";
    default:
      return "unknown";
  }
}
