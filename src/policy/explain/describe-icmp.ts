import type { IcmpMatch } from "../compile/model.js";
import { icmpProtocolOf, icmpTypeName, type IcmpFamily } from "../spec/icmp-types.js";

/**
 * An ICMP type in words: `ICMPv4 type 8 (EchoRequest)`, `ICMPv6 type 135
 * (NeighborSolicitation)`, `ICMPv4 type 7` (a type Cilium has no name for), or
 * `ICMPv6 (every type)` when `type` is `undefined`.
 */
export function describeIcmpType(family: IcmpFamily, type: number | undefined): string {
  const protocol = icmpProtocolOf(family);
  if (type === undefined) return `${protocol} (every type)`;
  const name = icmpTypeName(family, type);
  return name === undefined ? `${protocol} type ${type}` : `${protocol} type ${type} (${name})`;
}

/**
 * The ICMP part of a matched rule in words, with a note when an `icmps` type 0 field
 * matched another type (Cilium applies type 0 to every type of its family).
 */
export function describeIcmpMatch(icmp: IcmpMatch): string {
  const words = describeIcmpType(icmp.family, icmp.type);
  if (icmp.typeZeroAdmitsAll !== true || icmp.type === 0) return words;
  return `${words}, admitted by a type 0 field, which Cilium applies to every ${icmpProtocolOf(icmp.family)} type`;
}
