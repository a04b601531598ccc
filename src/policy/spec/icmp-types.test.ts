import { describe, expect, it } from "vitest";
import { icmpTypeCode, icmpTypeName } from "./icmp-types.js";

// The name-to-code maps of Cilium's policy API (pkg/policy/api/icmp.go).
const IPV4: Readonly<Record<string, number>> = {
  EchoReply: 0, DestinationUnreachable: 3, Redirect: 5, Echo: 8, EchoRequest: 8, RouterAdvertisement: 9, RouterSelection: 10,
  TimeExceeded: 11, ParameterProblem: 12, Timestamp: 13, TimestampReply: 14, Photuris: 40, ExtendedEchoRequest: 42, ExtendedEchoReply: 43,
};
const IPV6: Readonly<Record<string, number>> = {
  DestinationUnreachable: 1, PacketTooBig: 2, TimeExceeded: 3, ParameterProblem: 4, EchoRequest: 128, EchoReply: 129,
  MulticastListenerQuery: 130, MulticastListenerReport: 131, MulticastListenerDone: 132, RouterSolicitation: 133, RouterAdvertisement: 134,
  NeighborSolicitation: 135, NeighborAdvertisement: 136, RedirectMessage: 137, RouterRenumbering: 138, ICMPNodeInformationQuery: 139,
  ICMPNodeInformationResponse: 140, InverseNeighborDiscoverySolicitation: 141, InverseNeighborDiscoveryAdvertisement: 142,
  HomeAgentAddressDiscoveryRequest: 144, HomeAgentAddressDiscoveryReply: 145, MobilePrefixSolicitation: 146, MobilePrefixAdvertisement: 147,
  DuplicateAddressRequestCodeSuffix: 157, DuplicateAddressConfirmationCodeSuffix: 158, ExtendedEchoRequest: 160, ExtendedEchoReply: 161,
};

describe("ICMP type names (Cilium's tables, per family)", () => {
  it.each(Object.entries(IPV4))("IPv4 %s is %i", (name, code) => {
    expect(icmpTypeCode("IPv4", name)).toBe(code);
  });

  it.each(Object.entries(IPV6))("IPv6 %s is %i", (name, code) => {
    expect(icmpTypeCode("IPv6", name)).toBe(code);
  });

  it.each([
    ["IPv4", "NeighborSolicitation"],
    ["IPv4", "PacketTooBig"],
    ["IPv4", "RouterSolicitation"],
    ["IPv6", "Echo"],
    ["IPv6", "Redirect"],
    ["IPv4", "echoRequest"],
    ["IPv4", "toString"],
  ] as const)("%s has no type named %s", (family, name) => {
    expect(icmpTypeCode(family, name)).toBeUndefined();
  });

  it.each([
    ["IPv4", 8, "EchoRequest"],
    ["IPv4", 0, "EchoReply"],
    ["IPv6", 128, "EchoRequest"],
    ["IPv6", 135, "NeighborSolicitation"],
    ["IPv4", 7, undefined],
    ["IPv6", 8, undefined],
  ] as const)("%s code %i is described as %s", (family, code, name) => {
    expect(icmpTypeName(family, code)).toBe(name);
  });
});
