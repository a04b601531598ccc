import type { Timestamp, Verdict } from "./flow.js";
import type { Identity } from "./identity.js";

/**
 * What a connection event means for counting:
 * - `new`: a new connection attempt (TCP SYN, a UDP/SCTP/ICMP request packet, a policy
 *   verdict), counted once however many observation points reported it;
 * - `existing`: traffic of a connection opened before observation began (or whose first
 *   packet was not seen); proves the edge exists and refreshes last-seen, counts nothing;
 * - `request`: one L7 request (HTTP, DNS) seen by Cilium's proxy;
 * - `unknown`: a packet whose direction nothing settled (see FlowSettler): it may be a
 *   request or a reply, so it proves nothing and counts on its edge only as such.
 */
export type ConnectionKind = "new" | "existing" | "request" | "unknown";

/** L4 protocols a connection can use; OTHER covers VRRP, IGMP and unknown protocols. */
export type ConnectionProtocol = "TCP" | "UDP" | "SCTP" | "ICMPv4" | "ICMPv6" | "OTHER";

/** Which kind of Hubble event decided a side's verdict, strongest first. */
export type VerdictSource = "drop" | "policy-verdict" | "l7" | "trace";

/** The verdict of record on one side (the source's egress or the destination's ingress). */
export interface SideVerdict {
  readonly verdict: Verdict;
  /** Drop reason name when the verdict is DROPPED; undefined otherwise. */
  readonly dropReason: string | undefined;
  readonly source: VerdictSource;
  /** Policies Hubble named as allowing/denying (Cilium 1.15+); empty when not reported. */
  readonly policies: readonly string[];
}

/** L7 detail of a `request` connection. */
export type ConnectionL7 =
  | { readonly kind: "http"; readonly method: string; readonly url: string; readonly path: string }
  | { readonly kind: "dns"; readonly query: string; readonly qtypes: readonly string[] };

/** One connection event between two identities on (protocol, port). */
export interface Connection {
  readonly kind: ConnectionKind;
  /** First sighting. */
  readonly time: Timestamp;
  /** Last sighting merged into this event. */
  readonly lastTime: Timestamp;
  readonly source: Identity;
  readonly destination: Identity;
  readonly protocol: ConnectionProtocol;
  /** Destination port; the ICMP type for ICMP; 0 for OTHER. */
  readonly port: number;
  /** Overall verdict: DROPPED if either side dropped, else AUDIT, ERROR, REDIRECTED, FORWARDED. */
  readonly verdict: Verdict;
  /** Drop reason of the dropping side; undefined unless DROPPED. */
  readonly dropReason: string | undefined;
  /** Verdict at the source's egress; undefined when no event reported that side. */
  readonly egress: SideVerdict | undefined;
  /** Verdict at the destination's ingress; undefined when no event reported that side. */
  readonly ingress: SideVerdict | undefined;
  readonly l7: ConnectionL7 | undefined;
  readonly sourceIp: string;
  readonly destinationIp: string;
  /** Nodes that reported this connection. */
  readonly nodes: readonly string[];
  /** Number of Hubble events merged into this connection event. */
  readonly events: number;
}
