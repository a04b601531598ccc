import type { Flow, Layer4 } from "./flow.js";

/**
 * The 5-tuple of a flow as one flat string, in the flow's own orientation or reversed.
 * ICMP, VRRP and IGMP have no ports: their tuple is protocol and addresses. Keys are built
 * with join, which yields one flat string: maps keep a template literal's tree of string
 * fragments whole, several times the size of the text.
 */
export function fiveTuple(flow: Flow, l4: Layer4, orientation: "as-seen" | "reversed"): string {
  const src = flow.ip?.source ?? "";
  const dst = flow.ip?.destination ?? "";
  const reverse = orientation === "reversed";
  switch (l4.protocol) {
    case "TCP":
    case "UDP":
    case "SCTP":
      return reverse
        ? [l4.protocol, dst, l4.destinationPort, src, l4.sourcePort].join("|")
        : [l4.protocol, src, l4.sourcePort, dst, l4.destinationPort].join("|");
    case "ICMPv4":
    case "ICMPv6":
    case "VRRP":
    case "IGMP":
      return reverse ? [l4.protocol, dst, src].join("|") : [l4.protocol, src, dst].join("|");
  }
}

/**
 * The listening end of a flow's source or destination (`UDP|10.0.0.5|53`) for port-based
 * protocols; undefined for protocols without ports.
 */
export function endpointPort(flow: Flow, l4: Layer4, side: "source" | "destination"): string | undefined {
  switch (l4.protocol) {
    case "TCP":
    case "UDP":
    case "SCTP":
      return side === "source"
        ? [l4.protocol, flow.ip?.source ?? "", l4.sourcePort].join("|")
        : [l4.protocol, flow.ip?.destination ?? "", l4.destinationPort].join("|");
    default:
      return undefined;
  }
}
