/**
 * ICMP type names as CiliumNetworkPolicy `icmps[].fields[].type` accepts them. The tables
 * follow the name-to-code maps of Cilium's policy API (pkg/policy/api/icmp.go): names are
 * CamelCase and case-sensitive, and a name is looked up in the table of the field's
 * family only (`NeighborSolicitation` is an ICMPv6 name; with family IPv4 the agent
 * rejects it as "not found in IPv4"). Where two names share a code (IPv4 `Echo` and
 * `EchoRequest`), the first one listed here is the one used to describe the code.
 *
 * The CRD's validation pattern for `type` lists `ExtendedEcho Reply` (with a space) and
 * not `ExtendedEchoReply`, so the API server may refuse that name although the agent's
 * table has it; the tables here follow the agent.
 */

/** `icmps[].fields[].family`; Cilium's default is IPv4. */
export type IcmpFamily = "IPv4" | "IPv6";

/** Both families, in the order Cilium documents them. */
export const ICMP_FAMILIES: readonly IcmpFamily[] = ["IPv4", "IPv6"];

/** Cilium's ICMPv4 type names with their codes. */
const ICMPV4_TYPES: readonly (readonly [string, number])[] = [
  ["EchoReply", 0],
  ["DestinationUnreachable", 3],
  ["Redirect", 5],
  ["EchoRequest", 8],
  ["Echo", 8],
  ["RouterAdvertisement", 9],
  ["RouterSelection", 10],
  ["TimeExceeded", 11],
  ["ParameterProblem", 12],
  ["Timestamp", 13],
  ["TimestampReply", 14],
  ["Photuris", 40],
  ["ExtendedEchoRequest", 42],
  ["ExtendedEchoReply", 43],
];

/** Cilium's ICMPv6 type names with their codes. */
const ICMPV6_TYPES: readonly (readonly [string, number])[] = [
  ["DestinationUnreachable", 1],
  ["PacketTooBig", 2],
  ["TimeExceeded", 3],
  ["ParameterProblem", 4],
  ["EchoRequest", 128],
  ["EchoReply", 129],
  ["MulticastListenerQuery", 130],
  ["MulticastListenerReport", 131],
  ["MulticastListenerDone", 132],
  ["RouterSolicitation", 133],
  ["RouterAdvertisement", 134],
  ["NeighborSolicitation", 135],
  ["NeighborAdvertisement", 136],
  ["RedirectMessage", 137],
  ["RouterRenumbering", 138],
  ["ICMPNodeInformationQuery", 139],
  ["ICMPNodeInformationResponse", 140],
  ["InverseNeighborDiscoverySolicitation", 141],
  ["InverseNeighborDiscoveryAdvertisement", 142],
  ["HomeAgentAddressDiscoveryRequest", 144],
  ["HomeAgentAddressDiscoveryReply", 145],
  ["MobilePrefixSolicitation", 146],
  ["MobilePrefixAdvertisement", 147],
  ["DuplicateAddressRequestCodeSuffix", 157],
  ["DuplicateAddressConfirmationCodeSuffix", 158],
  ["ExtendedEchoRequest", 160],
  ["ExtendedEchoReply", 161],
];

const BY_NAME: Readonly<Record<IcmpFamily, ReadonlyMap<string, number>>> = {
  IPv4: new Map(ICMPV4_TYPES),
  IPv6: new Map(ICMPV6_TYPES),
};

const BY_CODE: Readonly<Record<IcmpFamily, ReadonlyMap<number, string>>> = {
  IPv4: codeIndex(ICMPV4_TYPES),
  IPv6: codeIndex(ICMPV6_TYPES),
};

function codeIndex(table: readonly (readonly [string, number])[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const [name, code] of table) if (!out.has(code)) out.set(code, name);
  return out;
}

/** The code of a type name in a family; `undefined` when Cilium has no such name for it. */
export function icmpTypeCode(family: IcmpFamily, name: string): number | undefined {
  return BY_NAME[family].get(name);
}

/** The name used to describe a code; `undefined` when Cilium names no type with that code. */
export function icmpTypeName(family: IcmpFamily, code: number): string | undefined {
  return BY_CODE[family].get(code);
}

/** The flow protocol (`Flow.l4.protocol`, `ConnectionInput.protocol`) of a family. */
export function icmpProtocolOf(family: IcmpFamily): "ICMPv4" | "ICMPv6" {
  return family === "IPv4" ? "ICMPv4" : "ICMPv6";
}
