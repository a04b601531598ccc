import type { Conversation, Packet } from "./conversation.js";
import { packetSummary } from "./conversation.js";
import type {
  EndpointJson, FlowJson, Layer4Json, Layer7Json, Mutable, PolicyJson, TraceObservationPoint,
} from "./jsonpb.js";
import type { NodeInfo, PeerInstance } from "./topology-types.js";

/** Per-flow values the caller supplies: time and uuid come from the run's clock and PRNG. */
export interface Stamp {
  readonly time: string;
  readonly uuid: string;
}

/** Where and how one packet is observed. */
export interface Observation {
  readonly node: NodeInfo;
  /** Whose side of the conversation the observing endpoint is on. */
  readonly subject: "client" | "server";
  readonly point: TraceObservationPoint;
  /** Undefined where Hubble cannot tell (TO_OVERLAY): then direction and is_reply are left out. */
  readonly knowsDirection: boolean;
  readonly iface: { readonly index: number; readonly name: string } | undefined;
}

/** Raw datapath trace point numbers used as `event_type.sub_type` of trace events. */
const TRACE_SUB_TYPE: Readonly<Record<TraceObservationPoint, number>> = {
  TO_ENDPOINT: 0, TO_PROXY: 1, TO_STACK: 3, TO_OVERLAY: 4, FROM_ENDPOINT: 5,
};

const EMITTER = { name: "Hubble", version: "1.19.1" } as const;
const L7_EVENT = { type: 129 } as const;
/** Shared `event_type` values, indexed by raw trace point. */
const TRACE_EVENTS = [{ type: 4 }, { type: 4, sub_type: 1 }, { type: 4, sub_type: 2 }, { type: 4, sub_type: 3 },
  { type: 4, sub_type: 4 }, { type: 4, sub_type: 5 }] as const;
const VERDICT_EVENT = { type: 5 } as const;
const DROP_EVENT = { type: 1, sub_type: 133 } as const;

function endpointAt(peer: PeerInstance, node: NodeInfo): EndpointJson {
  return peer.node === node ? peer.local : peer.remote;
}

/** Members that precede `IP` in declaration order and differ per event kind. */
interface Head {
  readonly verdict: FlowJson["verdict"];
  readonly dropReason?: number;
  /** Datapath events carry MAC addresses; L7 proxy records do not. */
  readonly ethernet: boolean;
}

/** Source, destination and L3/L4 members shared by every flow of a packet. */
function base(stamp: Stamp, conv: Conversation, packet: Packet, node: NodeInfo, head: Head): Mutable<FlowJson> {
  const request = packet.way === "request";
  const from = request ? conv.client : conv.server;
  const to = request ? conv.server : conv.client;
  const ports = request
    ? { source_port: conv.clientPort, destination_port: conv.serverPort }
    : { source_port: conv.serverPort, destination_port: conv.clientPort };
  const l4: Layer4Json = conv.protocol === "TCP"
    ? { TCP: packet.flags === undefined ? ports : { ...ports, flags: packet.flags } }
    : { UDP: ports };
  // Object literals (one shape per event kind) in protojson's declaration order: faster
  // than adding members one by one, and JSON.stringify keeps insertion order. The casts
  // are safe because every caller appends `event_type` and `Summary` (in order) next.
  const IP = { source: from.ip, destination: to.ip, ipVersion: "IPv4" } as const;
  const source = endpointAt(from, node);
  const destination = endpointAt(to, node);
  if (!head.ethernet) {
    return {
      time: stamp.time, uuid: stamp.uuid, emitter: EMITTER, verdict: head.verdict, IP, l4, source, destination,
      Type: "L7", node_name: node.name,
    } as Mutable<FlowJson>;
  }
  const ethernet = { source: from.mac, destination: to.mac };
  if (head.dropReason !== undefined) {
    return {
      time: stamp.time, uuid: stamp.uuid, emitter: EMITTER, verdict: head.verdict, drop_reason: head.dropReason,
      ethernet, IP, l4, source, destination, Type: "L3_L4", node_name: node.name,
    } as Mutable<FlowJson>;
  }
  return {
    time: stamp.time, uuid: stamp.uuid, emitter: EMITTER, verdict: head.verdict, ethernet, IP, l4, source, destination,
    Type: "L3_L4", node_name: node.name,
  } as Mutable<FlowJson>;
}

/** Sets the name and service members in declaration order (they follow `node_name`). */
function names(flow: Mutable<FlowJson>, conv: Conversation, packet: Packet): void {
  if (conv.serverNames.length > 0) {
    if (packet.way === "request") flow.destination_names = conv.serverNames;
    else flow.source_names = conv.serverNames;
  }
}

function services(flow: Mutable<FlowJson>, conv: Conversation, packet: Packet): void {
  if (conv.service === undefined) return;
  if (packet.way === "request") flow.destination_service = conv.service;
  else flow.source_service = conv.service;
}

/** A trace event (`event_type` 4): the packet passed `obs.point` and was forwarded. */
export function traceFlow(stamp: Stamp, conv: Conversation, packet: Packet, obs: Observation): FlowJson {
  const flow = base(stamp, conv, packet, obs.node, { verdict: "FORWARDED", ethernet: true });
  names(flow, conv, packet);
  flow.event_type = TRACE_EVENTS[TRACE_SUB_TYPE[obs.point]] ?? { type: 4 };
  services(flow, conv, packet);
  if (obs.knowsDirection) flow.traffic_direction = obs.subject === "client" ? "EGRESS" : "INGRESS";
  flow.trace_observation_point = obs.point;
  flow.trace_reason = packet.reason;
  if (obs.knowsDirection) flow.is_reply = packet.way === "reply";
  if (obs.iface !== undefined) flow.interface = obs.iface;
  flow.Summary = packetSummary(packet.flags);
  return flow;
}

/** The policy decision of record for a new connection (`event_type` 5). */
export interface VerdictInput {
  readonly verdict: "FORWARDED" | "DROPPED" | "AUDIT" | "REDIRECTED";
  readonly direction: "INGRESS" | "EGRESS";
  readonly node: NodeInfo;
  /** Undefined for default-deny drops and audits, which no rule matched. */
  readonly policy: PolicyJson | undefined;
}

/** A policy-verdict event for the connection's first packet. */
export function verdictFlow(stamp: Stamp, conv: Conversation, packet: Packet, input: VerdictInput): FlowJson {
  const flow = base(stamp, conv, packet, input.node, { verdict: input.verdict, ethernet: true });
  names(flow, conv, packet);
  flow.event_type = VERDICT_EVENT;
  services(flow, conv, packet);
  flow.traffic_direction = input.direction;
  // 2 = L3-L4 match (identity and port); no match at all is 0 and therefore omitted.
  if (input.policy !== undefined) flow.policy_match_type = 2;
  flow.is_reply = false;
  flow.Summary = packetSummary(packet.flags);
  if (input.policy !== undefined) {
    if (input.direction === "EGRESS") flow.egress_allowed_by = [input.policy];
    else flow.ingress_allowed_by = [input.policy];
  }
  return flow;
}

/** The datapath drop (`event_type` 1, sub_type 133) that follows a POLICY_DENIED verdict. */
export function dropFlow(stamp: Stamp, conv: Conversation, packet: Packet, input: VerdictInput): FlowJson {
  const flow = base(stamp, conv, packet, input.node, { verdict: "DROPPED", dropReason: 133, ethernet: true });
  names(flow, conv, packet);
  flow.event_type = DROP_EVENT;
  services(flow, conv, packet);
  flow.traffic_direction = input.direction;
  flow.drop_reason_desc = "POLICY_DENIED";
  flow.is_reply = false;
  flow.Summary = packetSummary(packet.flags);
  return flow;
}

/** An L7 proxy record (`event_type` 129) observed on `node`. */
export function l7Flow(
  stamp: Stamp, conv: Conversation, packet: Packet,
  record: { readonly l7: Layer7Json; readonly summary: string; readonly node: NodeInfo; readonly direction: "INGRESS" | "EGRESS" },
): FlowJson {
  const flow = base(stamp, conv, { ...packet, flags: undefined }, record.node, { verdict: "FORWARDED", ethernet: false });
  names(flow, conv, packet);
  flow.l7 = record.l7;
  flow.event_type = L7_EVENT;
  services(flow, conv, packet);
  flow.traffic_direction = record.direction;
  flow.is_reply = packet.way === "reply";
  flow.Summary = record.summary;
  return flow;
}
