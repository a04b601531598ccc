import type { CompiledPort, IcmpMatch } from "../compile/model.js";
import { icmpProtocolOf, type IcmpFamily } from "../spec/icmp-types.js";
import type { ConnectionInput } from "./endpoint.js";

/** Outcome of one ICMP port alternative against a connection. */
export type IcmpPortResult =
  | { readonly status: "match"; readonly icmp: IcmpMatch }
  | { readonly status: "no" }
  | { readonly status: "unknown"; readonly construct: string };

const NO: IcmpPortResult = { status: "no" };

/**
 * Matches an ICMP or ICMPv6 port alternative: an `icmps` field (compiled to a port that
 * is its type) or a toPorts entry with protocol ICMP / ICMPv6. Cilium keys ICMP policy
 * on the ICMP type in place of the destination port (bpf/lib/policy.h), so:
 * - the family must match: ICMP is ICMPv4 only, ICMPv6 is ICMPv6 only;
 * - a type (or a toPorts port/endPort range) must contain the connection's ICMP type;
 *   no port (toPorts port 0 or none) admits every type of the family;
 * - an `icmps` field of type 0 (EchoReply in IPv4) admits every type of its family too:
 *   Cilium's policy code reads port 0 as "every port", so such a rule also matches echo
 *   requests and every other type (cilium/cilium issue 41304, open as of this writing);
 * - a named port never names an ICMP type (named ports come from TCP/UDP/SCTP container ports).
 * A type-specific alternative cannot be decided without the connection's type.
 */
export function matchIcmpPort(p: CompiledPort, input: ConnectionInput): IcmpPortResult {
  const family: IcmpFamily = p.protocol === "ICMPv6" ? "IPv6" : "IPv4";
  if (input.protocol !== icmpProtocolOf(family) || p.name !== undefined) return NO;
  const type = input.icmpType;
  const known = type === undefined ? {} : { type };
  if (p.port === undefined) return { status: "match", icmp: { path: p.path, family, ...known } };
  if (p.port === 0 && p.endPort === undefined) return { status: "match", icmp: { path: p.path, family, ...known, typeZeroAdmitsAll: true } };
  if (type === undefined) return { status: "unknown", construct: "ICMP type (not known for this connection)" };
  const hi = p.endPort ?? p.port;
  return type >= p.port && type <= hi ? { status: "match", icmp: { path: p.path, family, type } } : NO;
}
