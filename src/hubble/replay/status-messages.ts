import { messageType } from "../proto/index.js";
import type { ReplaySource } from "./replay-source.js";

/** What the unary replies describe about the server. */
export interface ServerFacts {
  readonly nodeName: string;
  readonly version: string;
  /** Address clients reach the server at. */
  readonly address: string;
  readonly tls: boolean;
}

function encode(typeName: string, body: Record<string, unknown>): Buffer {
  const type = messageType(typeName);
  return Buffer.from(type.encode(type.fromObject(body)).finish());
}

/**
 * `ServerStatusResponse` for the ring. The server stands in for Relay with one node, so it
 * also reports one connected and no unavailable node.
 */
export function serverStatusReply(source: ReplaySource, facts: ServerFacts): Buffer {
  const s = source.status();
  return encode("observer.ServerStatusResponse", {
    num_flows: s.numFlows,
    max_flows: s.maxFlows,
    seen_flows: s.seenFlows,
    uptime_ns: s.uptimeNs,
    num_connected_nodes: { value: 1 },
    num_unavailable_nodes: { value: 0 },
    version: facts.version,
    flows_rate: s.flowsRate,
  });
}

/** `GetNodesResponse` listing the one modelled node. */
export function getNodesReply(source: ReplaySource, facts: ServerFacts): Buffer {
  const s = source.status();
  return encode("observer.GetNodesResponse", {
    nodes: [
      {
        name: facts.nodeName,
        version: facts.version,
        address: facts.address,
        state: "NODE_CONNECTED",
        tls: { enabled: facts.tls },
        uptime_ns: s.uptimeNs,
        num_flows: s.numFlows,
        max_flows: s.maxFlows,
        seen_flows: s.seenFlows,
      },
    ],
  });
}

/** The `peer.Peer/Notify` message announcing the modelled node. */
export function peerAddedNotice(facts: ServerFacts): Buffer {
  return encode("peer.ChangeNotification", { name: facts.nodeName, address: facts.address, type: "PEER_ADDED" });
}
