import type { PolicyJson, ServiceJson, TcpFlagsJson } from "./jsonpb.js";
import type { PeerInstance } from "./topology-types.js";

/** One connection (TCP) or exchange (UDP) between two concrete peers. */
export interface Conversation {
  readonly client: PeerInstance;
  readonly server: PeerInstance;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly protocol: "TCP" | "UDP";
  /** Service the client dialled (`destination_service`); undefined for direct IPs. */
  readonly service: ServiceJson | undefined;
  /** DNS names Cilium knows for the server's IP (`destination_names`); empty when none. */
  readonly serverNames: readonly string[];
  /** Policy allowing the client's egress; undefined when egress is not enforced. */
  readonly egressPolicy: PolicyJson | undefined;
  /** Policy allowing the server's ingress; undefined when ingress is not enforced. */
  readonly ingressPolicy: PolicyJson | undefined;
}

/** Which way a packet travels relative to the conversation. */
export type PacketWay = "request" | "reply";

/** One packet of a conversation. */
export interface Packet {
  readonly way: PacketWay;
  /** TCP flags; undefined for UDP. */
  readonly flags: TcpFlagsJson | undefined;
  /** Conntrack state Cilium reports for it (`trace_reason`). */
  readonly reason: "NEW" | "ESTABLISHED" | "REPLY";
}

/** Hubble's `Summary` for an L3/L4 packet: `TCP Flags: SYN, ACK` or `UDP`. */
export function packetSummary(flags: TcpFlagsJson | undefined): string {
  if (flags === undefined) return "UDP";
  const cached = summaries.get(flags);
  if (cached !== undefined) return cached;
  // Hubble lists the flags in this fixed order (e.g. "SYN, ACK", "ACK, FIN", "ACK, PSH").
  const names: string[] = [];
  if (flags.SYN) names.push("SYN");
  if (flags.ACK) names.push("ACK");
  if (flags.RST) names.push("RST");
  if (flags.FIN) names.push("FIN");
  if (flags.PSH) names.push("PSH");
  const summary = `TCP Flags: ${names.join(", ")}`;
  summaries.set(flags, summary);
  return summary;
}

/** Flag objects are shared constants, so their summaries are computed once. */
const summaries = new WeakMap<TcpFlagsJson, string>();

/** Shared flag objects (flows never mutate them), keyed by the usual combinations. */
export const FLAGS = {
  syn: { SYN: true },
  synAck: { SYN: true, ACK: true },
  ack: { ACK: true },
  pshAck: { PSH: true, ACK: true },
  finAck: { FIN: true, ACK: true },
} as const satisfies Record<string, TcpFlagsJson>;
