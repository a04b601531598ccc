import { EVENT_TYPE } from "./flow.js";
import type { Flow } from "./flow.js";

/**
 * What one flow means for connection counting:
 * - `open`: the first packet of a connection attempt in the request direction;
 * - `continue`: a later request-direction packet (proves the edge, counts nothing new);
 * - `request`: an L7 request record;
 * - `unknown-direction`: Hubble did not say whether this is a reply; it is attributed only
 *   if it matches a connection already being tracked (see ConnectionTracker);
 * - `skip`: never a connection (replies, socket-LB events, flows without endpoints or L4).
 */
export type FlowRole =
  | { readonly role: "open" | "continue" | "request" | "unknown-direction" }
  | { readonly role: "skip"; readonly reason: SkipReason };

/** Why a flow is not a connection. */
export type SkipReason = "reply" | "l7-response" | "socket-lb" | "no-l4" | "no-endpoints";

// Drop codes that Cilium's policy engine produces (flow.proto DropReason): a policy drop
// always hits the first packet of a connection, because conntrack lets replies of allowed
// connections through without a policy lookup.
const POLICY_DROPS: ReadonlySet<string> = new Set([
  "POLICY_DENIED",
  "POLICY_DENY",
  "AUTH_REQUIRED",
  "NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION",
  "DENIED_BY_LB_SRC_RANGE_CHECK",
  "DROP_EP_NOT_READY",
]);

/** True for drop reasons produced by policy enforcement rather than by the datapath. */
export function isPolicyDrop(reason: string | undefined): boolean {
  return reason !== undefined && POLICY_DROPS.has(reason);
}

/**
 * Classifies a flow. The rules, in order:
 * 1. Socket-LB trace events (Type SOCK, event type 7) describe service translation, not
 *    packets on the wire: skipped. Flows without endpoints or L4 cannot form an edge.
 * 2. L7 records: REQUEST is a request; RESPONSE and SAMPLE are not connections.
 * 3. A reply (`is_reply` true, or the deprecated `reply`) is never a connection.
 * 4. Policy-verdict events are emitted for the first packet of a new connection, and policy
 *    drops hit first packets too (see POLICY_DROPS): both open a connection, whatever
 *    `is_reply` says is unknown.
 * 5. TCP: SYN without ACK opens; SYN+ACK is a reply; any other packet continues a
 *    connection when known to be in the request direction.
 * 6. UDP, SCTP, ICMP and others: every request-direction packet opens (counted per flow).
 * 7. When `is_reply` is absent and the trace reason does not settle it (REPLY = reply,
 *    NEW/ESTABLISHED = request direction), the direction is unknown; it is never guessed
 *    from ports, because a reply taken for a request would invent a reverse edge and a
 *    recommendation would then allow it.
 */
export function flowRole(flow: Flow): FlowRole {
  if (flow.type === "SOCK" || flow.eventType.type === EVENT_TYPE.traceSock) return skip("socket-lb");
  if (!flow.source || !flow.destination) return skip("no-endpoints");
  if (flow.l7) {
    if (flow.l7.type === "REQUEST") return { role: "request" };
    return skip("l7-response");
  }
  const l4 = flow.l4;
  if (!l4) return skip("no-l4");
  if (flow.isReply === true) return skip("reply");
  const isPolicyEvent = flow.eventType.type === EVENT_TYPE.policyVerdict;
  const isPolicyDropEvent = flow.verdict === "DROPPED" && isPolicyDrop(flow.dropReason);
  if (l4.protocol === "TCP") {
    const { SYN, ACK } = l4.flags;
    if (SYN && ACK) return skip("reply");
    if (SYN || isPolicyEvent || isPolicyDropEvent) return { role: "open" };
  } else if (isPolicyEvent || isPolicyDropEvent) {
    return { role: "open" };
  }
  const direction = flow.isReply === false ? "request" : directionFromTraceReason(flow.traceReason);
  if (direction === "reply") return skip("reply");
  if (direction === "unknown") return { role: "unknown-direction" };
  return { role: l4.protocol === "TCP" ? "continue" : "open" };
}

function directionFromTraceReason(reason: string): "request" | "reply" | "unknown" {
  switch (reason) {
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

function skip(reason: SkipReason): FlowRole {
  return { role: "skip", reason };
}
