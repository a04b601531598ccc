import type { Identity } from "../flows/index.js";
import { edgeTraffic, isUsed } from "../audit/index.js";
import type { ObservedGraph } from "../graph/index.js";
import type { ObservedTraffic } from "./types.js";

/**
 * The traffic a recommendation must allow: edges of the window that the audit counts as
 * used (connections or requests that got through: forwarded, redirected to the proxy,
 * audited; or sightings of connections opened before observation began). Dropped traffic
 * counts only with `includeDrops`. Ordered by identity keys,
 * protocol and port, so everything built from it is deterministic.
 */
export function observedTraffic(graph: ObservedGraph, options: { readonly includeDrops?: boolean | undefined } = {}): readonly ObservedTraffic[] {
  const includeDrops = options.includeDrops ?? false;
  const identities = new Map<string, Identity>(graph.identities.map((o) => [o.identity.key, o.identity]));
  const out: ObservedTraffic[] = [];
  for (const edge of graph.edges) {
    const source = identities.get(edge.source);
    const destination = identities.get(edge.destination);
    if (source === undefined || destination === undefined) continue;
    const traffic = edgeTraffic(edge);
    const dropped = includeDrops ? traffic.dropped : 0;
    if (!isUsed(traffic) && dropped === 0) continue;
    out.push({ edge, source, destination, protocol: edge.protocol, port: edge.port,
      connections: traffic.connections + dropped, requests: traffic.requests, existing: traffic.existing, firstSeenMs: edge.firstSeenMs, lastSeenMs: edge.lastSeenMs });
  }
  return out.sort(
    (a, b) => a.source.key.localeCompare(b.source.key) || a.destination.key.localeCompare(b.destination.key) || a.protocol.localeCompare(b.protocol) || a.port - b.port,
  );
}
