/**
 * Where Cilium reports a packet. The recorded bookinfo captures show every packet at TO_*
 * trace points and none at FROM_* points (as with `monitor-aggregation: low`), and so do
 * these captures.
 *
 * - Leaving a pod for a pod or router address of another node: TO_OVERLAY on the sender's
 *   node (`cilium_vxlan`), without traffic_direction or is_reply (the 1.10 captures).
 * - Leaving a pod for anything else off the pod network (world, host addresses, node
 *   InternalIPs, the API server): TO_STACK on the sender's node, direction known.
 * - Host traffic of a node towards a pod of another node: TO_OVERLAY on that node.
 * - Arriving at a pod: TO_ENDPOINT on the pod's node, on the pod's `lxc` interface.
 * - Pod to pod on one node: only the TO_ENDPOINT at the receiver.
 */
import type { Peer } from "./cluster.js";
import type { Conversation, Sighting } from "./records.js";

/** The sightings of one conversation, per direction. */
export interface Path {
  readonly request: readonly Sighting[];
  readonly reply: readonly Sighting[];
}

/** `cilium_vxlan` as in the captures. */
export const VXLAN = { index: 6, name: "cilium_vxlan" } as const;

function sameNode(a: Peer["endpointNode"], b: Peer["endpointNode"]): boolean {
  return a !== undefined && b !== undefined && a.name === b.name && a.cluster === b.cluster;
}

function sightingsOf(from: Peer, to: Peer, fromSide: Sighting["side"]): Sighting[] {
  const toSide = fromSide === "client" ? "server" : "client";
  const out: Sighting[] = [];
  const sender = from.endpointNode ?? from.hostNode;
  if (sender !== undefined && !sameNode(sender, to.endpointNode)) {
    const remote = to.overlayNode !== undefined && !sameNode(sender, to.overlayNode);
    if (remote) out.push({ node: sender, point: "TO_OVERLAY", side: fromSide, known: false, iface: VXLAN });
    else if (from.endpointNode !== undefined) out.push({ node: sender, point: "TO_STACK", side: fromSide, known: true, iface: undefined });
  }
  if (to.endpointNode !== undefined) {
    out.push({ node: to.endpointNode, point: "TO_ENDPOINT", side: toSide, known: true, iface: to.iface });
  }
  return out;
}

/** The default sightings of a conversation's requests and replies. */
export function defaultPath(conv: Conversation): Path {
  return {
    request: sightingsOf(conv.client, conv.server, "client"),
    reply: sightingsOf(conv.server, conv.client, "server"),
  };
}

/** A path with every sighting changed by `change` (e.g. to mark them unknown). */
export function mapPath(path: Path, change: (s: Sighting, way: "request" | "reply") => Sighting | undefined): Path {
  const keep = (way: "request" | "reply") => (s: Sighting) => change(s, way);
  return {
    request: path.request.map(keep("request")).filter((s) => s !== undefined),
    reply: path.reply.map(keep("reply")).filter((s) => s !== undefined),
  };
}
