import type { Conversation, PacketWay } from "./conversation.js";
import type { Observation } from "./flow-builder.js";
import type { PeerInstance } from "./topology-types.js";

/** Where Cilium sees one direction of a conversation: at most one point per side. */
export interface Sightings {
  /** On the sender's node as the packet leaves; undefined when the sender is not an endpoint. */
  readonly sender: Observation | undefined;
  /** On the receiver's node as it is delivered; undefined when the receiver is not an endpoint. */
  readonly receiver: Observation | undefined;
}

/** Which L7 proxy, if any, intercepts request packets. */
export type ProxyRedirect = "none" | "ingress" | "egress";

const VXLAN = { index: 6, name: "cilium_vxlan" } as const;

function isEndpoint(peer: PeerInstance): boolean {
  return peer.role === "pod" || peer.role === "health";
}

/**
 * Observation points for packets travelling `way`. Cilium's datapath reports a packet
 * where it leaves an endpoint towards the tunnel (TO_OVERLAY), the host stack (TO_STACK)
 * or a proxy (TO_PROXY), or where it enters a same-node peer (FROM_ENDPOINT first), and
 * where it is delivered to an endpoint (TO_ENDPOINT) or redirected to an ingress proxy.
 * Hubble leaves direction and reply flag out of TO_OVERLAY events, as the captures show.
 */
export function sightingsOf(conv: Conversation, way: PacketWay, proxy: ProxyRedirect): Sightings {
  const request = way === "request";
  const from = request ? conv.client : conv.server;
  const to = request ? conv.server : conv.client;
  const fromSubject = request ? "client" : "server";
  const toSubject = request ? "server" : "client";
  let sender: Observation | undefined;
  if (isEndpoint(from) && from.node !== undefined) {
    const node = from.node;
    if (request && proxy === "egress") {
      sender = { node, subject: fromSubject, point: "TO_PROXY", knowsDirection: true, iface: undefined };
    } else if ((isEndpoint(to) || to.role === "remote-node") && to.node !== node) {
      sender = { node, subject: fromSubject, point: "TO_OVERLAY", knowsDirection: false, iface: VXLAN };
    } else if (isEndpoint(to)) {
      sender = { node, subject: fromSubject, point: "FROM_ENDPOINT", knowsDirection: true, iface: from.iface };
    } else {
      sender = { node, subject: fromSubject, point: "TO_STACK", knowsDirection: true, iface: from.iface };
    }
  }
  let receiver: Observation | undefined;
  if (isEndpoint(to) && to.node !== undefined) {
    const redirected = request && proxy === "ingress";
    receiver = {
      node: to.node, subject: toSubject, point: redirected ? "TO_PROXY" : "TO_ENDPOINT",
      knowsDirection: true, iface: redirected ? undefined : to.iface,
    };
  }
  return { sender, receiver };
}
