import { EVENT_TYPE } from "./flow.js";
import type { Flow, Layer4 } from "./flow.js";
import type { ConnectionL7, ConnectionProtocol } from "./connection.js";
import { pathOf } from "./http-target.js";
import type { TrackedConnection } from "./tracked-connection.js";

/** The protocol and port a connection of this L4 header is counted on (ICMP: the type). */
export function portOf(l4: Layer4 | undefined): { protocol: ConnectionProtocol; port: number } {
  if (!l4) return { protocol: "OTHER", port: 0 };
  switch (l4.protocol) {
    case "TCP":
    case "UDP":
    case "SCTP":
      return { protocol: l4.protocol, port: l4.destinationPort };
    case "ICMPv4":
    case "ICMPv6":
      return { protocol: l4.protocol, port: l4.type };
    case "VRRP":
    case "IGMP":
      return { protocol: "OTHER", port: 0 };
  }
}

/** The L7 detail of a request record. */
export function l7Of(flow: Flow): ConnectionL7 | undefined {
  const http = flow.l7?.http;
  if (http) return { kind: "http", method: http.method, url: http.url, path: pathOf(http.url) };
  const dns = flow.l7?.dns;
  if (dns) return { kind: "dns", query: dns.query, qtypes: dns.qtypes };
  return undefined;
}

/**
 * Cilium's L7 proxy terminates a redirected connection and opens its own upstream
 * connection, from the proxy's address (or, with transparent mode, from the client's address
 * and another port), keeping the client's security identity. So a connection attempt is the
 * upstream leg of a recent redirected one when it has the same identity, destination and
 * port and is not itself a packet being redirected to the proxy (other client connections
 * of that identity are redirected too, so they show TO_PROXY or a REDIRECTED verdict).
 */
export function isUpstreamLeg(redirected: TrackedConnection, flow: Flow): boolean {
  return (
    redirected.redirected &&
    flow.traceObservationPoint !== "TO_PROXY" &&
    flow.verdict !== "REDIRECTED" &&
    flow.eventType.type !== EVENT_TYPE.policyVerdict
  );
}

/** The key that finds the redirected connection an upstream leg belongs to. */
export function proxyKey(flow: Flow, l4: Layer4): string {
  const port = "destinationPort" in l4 ? l4.destinationPort : 0;
  return [l4.protocol, flow.source?.identity ?? 0, flow.ip?.destination ?? "", port].join("|");
}
