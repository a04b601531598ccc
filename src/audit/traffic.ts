import type { ObservedEdge, VerdictCounts } from "../graph/index.js";

/**
 * What an edge carried in the window, split by whether the traffic got through. Verdicts
 * that did not deliver the connection are DROPPED and ERROR; everything else (FORWARDED,
 * REDIRECTED to the proxy, AUDIT, TRACED, TRANSLATED) passed.
 */
export interface EdgeTraffic {
  /** New connections that passed. */
  readonly connections: number;
  /** L7 requests that passed. */
  readonly requests: number;
  /** Sightings of connections opened before observation began (proof of use, no count). */
  readonly existing: number;
  /** Connections and requests reported DROPPED. */
  readonly dropped: number;
  /** Connections and requests with verdict AUDIT (policy audit mode: would have been denied). */
  readonly audited: number;
}

const BLOCKED = new Set(["DROPPED", "ERROR"]);

function passed(counts: VerdictCounts): number {
  let n = 0;
  for (const [verdict, count] of Object.entries(counts)) if (!BLOCKED.has(verdict)) n += count;
  return n;
}

/** The traffic of an edge. */
export function edgeTraffic(edge: ObservedEdge): EdgeTraffic {
  return {
    connections: passed(edge.connectionsByVerdict),
    requests: passed(edge.requestsByVerdict),
    existing: edge.existing,
    dropped: (edge.connectionsByVerdict.DROPPED ?? 0) + (edge.requestsByVerdict.DROPPED ?? 0),
    audited: (edge.connectionsByVerdict.AUDIT ?? 0) + (edge.requestsByVerdict.AUDIT ?? 0),
  };
}

/** Whether traffic got through on the edge: a passed connection or request, or an existing connection. */
export function isUsed(traffic: EdgeTraffic): boolean {
  return traffic.connections + traffic.requests + traffic.existing > 0;
}

/**
 * How many times the edge was used, for weighting: passed connections, or the requests when
 * no connection opening was seen (requests riding a connection opened before the window),
 * or 1 for an edge known only from an existing connection.
 */
export function useCount(traffic: EdgeTraffic): number {
  if (traffic.connections > 0) return traffic.connections;
  if (traffic.requests > 0) return traffic.requests;
  return traffic.existing > 0 ? 1 : 0;
}

/** `TCP/8080`. */
export function portText(protocol: string, port: number): string {
  return `${protocol}/${port}`;
}

/** Stable text of an edge: `source -> destination TCP/8080`. */
export function edgeText(edge: { readonly source: string; readonly destination: string; readonly protocol: string; readonly port: number }): string {
  return `${edge.source} -> ${edge.destination} ${portText(edge.protocol, edge.port)}`;
}
