/**
 * One Hubble flow per call: trace (event type 4), policy verdict (5), drop (1) and L7
 * access-log (129) records of a packet of a conversation, with members in .proto
 * declaration order so the JSON reads like `hubble observe -o jsonpb`.
 */
import { hubbleNodeName } from "./cluster.js";
import type { NodeRef, Peer } from "./cluster.js";
import type { HubbleProfile } from "./profile.js";
import type {
  Direction, EndpointJson, FlowJson, IcmpJson, InterfaceJson, Layer4Json, Layer7Json, PolicyJson, ServiceJson,
  TcpFlagsJson, TracePoint, VerdictName,
} from "./wire.js";

/** One connection (TCP), exchange (UDP) or echo (ICMP) between two peers. */
export interface Conversation {
  readonly protocol: "TCP" | "UDP" | "ICMPv4" | "ICMPv6";
  readonly client: Peer;
  readonly server: Peer;
  /** Ephemeral port; unused for ICMP. */
  readonly clientPort: number;
  /** Service port; unused for ICMP. */
  readonly serverPort: number;
  /** Kubernetes Service the client dialled: `destination_service` on requests, `source_service` on replies. */
  readonly service?: ServiceJson;
}

/** One packet. `reason` is the conntrack state a 1.16+ agent reports as `trace_reason`. */
export interface Packet {
  readonly way: "request" | "reply";
  readonly flags?: TcpFlagsJson;
  readonly icmp?: IcmpJson;
  readonly reason: "NEW" | "ESTABLISHED" | "REPLY";
}

/** Where one packet was seen. */
export interface Sighting {
  readonly node: NodeRef;
  readonly point: TracePoint;
  /** Whose endpoint the event is about: the client's side is EGRESS, the server's INGRESS. */
  readonly side: "client" | "server";
  /** False where Hubble has no conntrack state: no traffic_direction, is_reply or trace_reason. */
  readonly known: boolean;
  readonly iface: InterfaceJson | undefined;
  /** Printed instead of the peer's own view (proxy and identity-resolution quirks). */
  readonly source?: EndpointJson;
  readonly destination?: EndpointJson;
}

/** Time, uuid and agent version of the flow being built. */
export interface Stamp {
  readonly time: string;
  readonly uuid: string | undefined;
  readonly profile: HubbleProfile;
}

/** The packet a record is about, and when it was seen. */
export interface PacketAt {
  readonly stamp: Stamp;
  readonly conv: Conversation;
  readonly packet: Packet;
}

/** A policy-verdict event: the decision for a connection's first packet. */
export interface VerdictEvent {
  readonly node: NodeRef;
  readonly direction: Direction;
  readonly verdict: VerdictName;
  /** `policy_match_type`: 0 none (drops, audits), 1 L3-only, 2 L3-L4, 3 L4-only, 4 all. */
  readonly matchType: number;
  /** The allowing policy, listed in `*_allowed_by` by 1.15+ agents; undefined: none. */
  readonly policy: PolicyJson | undefined;
}

/** An L7 access-log record written by the proxy on `node`. */
export interface L7Event {
  readonly node: NodeRef;
  readonly direction: Direction;
  readonly l7: Layer7Json;
  readonly summary: string;
  readonly source?: EndpointJson;
  readonly destination?: EndpointJson;
}

const TRACE_SUB_TYPE: Readonly<Record<TracePoint, number>> = {
  TO_ENDPOINT: 0, TO_PROXY: 1, TO_HOST: 2, TO_STACK: 3, TO_OVERLAY: 4,
};

const ICMP_NAMES: Readonly<Record<string, string>> = {
  "ICMPv4:8": "EchoRequest", "ICMPv4:0": "EchoReply", "ICMPv6:128": "EchoRequest", "ICMPv6:129": "EchoReply",
};

/** Hubble's `Summary` of an L3/L4 packet: `TCP Flags: SYN, ACK`, `UDP`, `ICMPv4 EchoRequest`. */
export function packetSummary(conv: Conversation, packet: Packet): string {
  if (conv.protocol === "UDP") return "UDP";
  if (conv.protocol === "TCP") {
    const f = packet.flags ?? {};
    // Hubble lists flags in this order ("SYN, ACK", "ACK, FIN", "ACK, PSH" in the captures).
    const names = [f.SYN && "SYN", f.ACK && "ACK", f.RST && "RST", f.FIN && "FIN", f.PSH && "PSH"].filter((n) => typeof n === "string");
    return `TCP Flags: ${names.join(", ")}`;
  }
  const type = packet.icmp?.type ?? 0;
  return `${conv.protocol} ${ICMP_NAMES[`${conv.protocol}:${type}`] ?? `Type${type}`}`;
}

function layer4(conv: Conversation, packet: Packet, withFlags: boolean): Layer4Json {
  const request = packet.way === "request";
  const ports = request
    ? { source_port: conv.clientPort, destination_port: conv.serverPort }
    : { source_port: conv.serverPort, destination_port: conv.clientPort };
  switch (conv.protocol) {
    case "TCP":
      return { TCP: withFlags && packet.flags !== undefined ? { ...ports, flags: packet.flags } : ports };
    case "UDP":
      return { UDP: ports };
    case "ICMPv4":
      return { ICMPv4: packet.icmp ?? {} };
    case "ICMPv6":
      return { ICMPv6: packet.icmp ?? {} };
    default: {
      const never: never = conv.protocol;
      throw new Error(`unknown protocol ${String(never)}`);
    }
  }
}

/** Members every record of a packet shares, before the per-kind ones. */
interface Common extends PacketAt {
  readonly node: NodeRef;
  readonly source?: EndpointJson | undefined;
  readonly destination?: EndpointJson | undefined;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  // A one-member object, or an empty one when the value is absent (protojson leaves zero values out).
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }; // cast: computed key of a literal type
}

function head(c: Common, l7: boolean): Pick<FlowJson, "ethernet" | "IP" | "l4" | "source" | "destination"> {
  const request = c.packet.way === "request";
  const from = request ? c.conv.client : c.conv.server;
  const to = request ? c.conv.server : c.conv.client;
  const profile = c.stamp.profile;
  return {
    ...(l7 ? {} : { ethernet: { source: from.mac, destination: to.mac } }),
    IP: { source: from.ip, destination: to.ip, ipVersion: from.ip.includes(":") ? "IPv6" : "IPv4" },
    l4: layer4(c.conv, c.packet, !l7),
    source: c.source ?? from.view(c.node, "source", profile),
    destination: c.destination ?? to.view(c.node, "destination", profile),
  };
}

function services(c: Common): Pick<FlowJson, "source_service" | "destination_service"> {
  if (c.conv.service === undefined) return {};
  return c.packet.way === "request" ? { destination_service: c.conv.service } : { source_service: c.conv.service };
}

function reply(c: Common, known: boolean): { readonly reply?: true } {
  return known && c.packet.way === "reply" ? { reply: true } : {};
}

/** A trace event: the packet passed `sighting.point` and was forwarded. */
export function traceFlow(at: PacketAt, s: Sighting): FlowJson {
  const { stamp, conv, packet } = at;
  const c: Common = { ...at, node: s.node, source: s.source, destination: s.destination };
  const subType = TRACE_SUB_TYPE[s.point];
  return {
    time: stamp.time, ...opt("uuid", stamp.uuid), verdict: "FORWARDED", ...head(c, false),
    Type: "L3_L4", node_name: hubbleNodeName(s.node, stamp.profile), ...reply(c, s.known),
    event_type: subType === 0 ? { type: 4 } : { type: 4, sub_type: subType }, ...services(c),
    ...(s.known ? { traffic_direction: s.side === "client" ? "EGRESS" : "INGRESS" } : {}),
    trace_observation_point: s.point,
    ...(s.known && stamp.profile.traceReason ? { trace_reason: packet.reason } : {}),
    ...(s.known ? { is_reply: packet.way === "reply" } : {}),
    ...opt("interface", s.iface), Summary: packetSummary(conv, packet),
  };
}

/**
 * A policy-verdict event. Hubble states `is_reply: false` for allowed and audited first
 * packets and leaves it out for denied ones; a denial also carries the drop reason.
 */
export function verdictFlow(at: PacketAt, v: VerdictEvent): FlowJson {
  const { stamp, conv, packet } = at;
  const c: Common = { ...at, node: v.node };
  const dropped = v.verdict === "DROPPED";
  const allowedBy = stamp.profile.policyRefs && v.policy !== undefined && !dropped && v.verdict !== "AUDIT"
    ? [v.policy] : undefined;
  return {
    time: stamp.time, ...opt("uuid", stamp.uuid), verdict: v.verdict, ...(dropped ? { drop_reason: 133 } : {}),
    ...head(c, false), Type: "L3_L4", node_name: hubbleNodeName(v.node, stamp.profile),
    event_type: { type: 5 }, ...services(c), traffic_direction: v.direction,
    ...(v.matchType === 0 ? {} : { policy_match_type: v.matchType }),
    ...(dropped ? { drop_reason_desc: "POLICY_DENIED" } : { is_reply: false }),
    Summary: packetSummary(conv, packet),
    ...(v.direction === "EGRESS" ? opt("egress_allowed_by", allowedBy) : opt("ingress_allowed_by", allowedBy)),
  };
}

/** The datapath drop (event type 1, sub type 133 POLICY_DENIED) that follows a denial; `is_reply` unknown. */
export function dropFlow(at: PacketAt, v: Pick<VerdictEvent, "node" | "direction">): FlowJson {
  const { stamp, conv, packet } = at;
  const c: Common = { ...at, node: v.node };
  return {
    time: stamp.time, ...opt("uuid", stamp.uuid), verdict: "DROPPED", drop_reason: 133, ...head(c, false),
    Type: "L3_L4", node_name: hubbleNodeName(v.node, stamp.profile), event_type: { type: 1, sub_type: 133 },
    ...services(c), traffic_direction: v.direction, drop_reason_desc: "POLICY_DENIED",
    Summary: packetSummary(conv, packet),
  };
}

/** An L7 proxy record: no MACs, no TCP flags, the direction of the proxy that wrote it. */
export function l7Flow(at: PacketAt, e: L7Event): FlowJson {
  const { stamp, packet } = at;
  const c: Common = { ...at, node: e.node, source: e.source, destination: e.destination };
  return {
    time: stamp.time, ...opt("uuid", stamp.uuid), verdict: "FORWARDED", ...head(c, true),
    Type: "L7", node_name: hubbleNodeName(e.node, stamp.profile), l7: e.l7, ...reply(c, true),
    event_type: { type: 129 }, ...services(c), traffic_direction: e.direction,
    is_reply: packet.way === "reply", Summary: e.summary,
  };
}
