import { EVENT_TYPE } from "./flow.js";
import type { Flow } from "./flow.js";
import type { FlowDirection } from "./flow-direction.js";
import { reportedDirection } from "./flow-direction.js";
import { isPolicyDrop } from "./policy-drop.js";

/**
 * What one flow means for connection counting:
 * - `open`: the first packet of a connection attempt in the request direction;
 * - `continue`: a later request-direction packet (proves the edge, counts nothing new);
 * - `request`: an L7 request record;
 * - `unknown-direction`: nothing settled whether this is a request or a reply; it is
 *   counted on its edge as such and never taken for a connection;
 * - `skip`: never a connection (replies, socket-LB events, flows without endpoints or L4).
 */
export type FlowRole =
  | { readonly role: "open" | "continue" | "request" | "unknown-direction" }
  | { readonly role: "skip"; readonly reason: SkipReason };

/** Why a flow is not a connection. */
export type SkipReason = "reply" | "l7-response" | "socket-lb" | "no-l4" | "no-endpoints";

/**
 * Classifies a flow whose direction has been settled (see FlowSettler; by default the
 * direction Hubble's fields give). The rules, in order:
 * 1. Socket-LB trace events (Type SOCK, event type 7) describe service translation, not
 *    packets on the wire: skipped. Flows without endpoints or L4 cannot form an edge.
 * 2. L7 records: REQUEST is a request; RESPONSE and SAMPLE are not connections.
 * 3. A reply is never a connection; a flow of unknown direction is counted as such.
 * 4. Policy-verdict events and policy drops hit the first packet of a new connection: they
 *    open one.
 * 5. TCP: SYN (without ACK) opens; any other request-direction packet continues.
 * 6. UDP, SCTP, ICMP and others: every request-direction packet opens (counted per flow).
 */
export function flowRole(flow: Flow, direction: FlowDirection = reportedDirection(flow)): FlowRole {
  if (flow.type === "SOCK" || flow.eventType.type === EVENT_TYPE.traceSock) return skip("socket-lb");
  if (!flow.source || !flow.destination) return skip("no-endpoints");
  if (flow.l7) return flow.l7.type === "REQUEST" ? { role: "request" } : skip("l7-response");
  const l4 = flow.l4;
  if (!l4) return skip("no-l4");
  if (direction === "reply") return skip("reply");
  if (direction === "unknown") return { role: "unknown-direction" };
  const opens = flow.eventType.type === EVENT_TYPE.policyVerdict || (flow.verdict === "DROPPED" && isPolicyDrop(flow.dropReason));
  if (l4.protocol === "TCP") return l4.flags.SYN || opens ? { role: "open" } : { role: "continue" };
  return { role: "open" };
}

function skip(reason: SkipReason): FlowRole {
  return { role: "skip", reason };
}
