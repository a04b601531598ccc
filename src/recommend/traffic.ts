import { endpointVariant } from "../flows/index.js";
import type { EndpointVariant, Identity } from "../flows/index.js";
import type { EdgeVariant, ObservedEdge, ObservedGraph } from "../graph/index.js";
import type { ObservedTraffic, TrafficVariant } from "./types.js";

/** An edge with flows that got through but that the recommendation leaves out, and why. */
export interface ExcludedTraffic {
  readonly edge: ObservedEdge;
  readonly reason: "audit" | "dropped";
  /** Its forwarded flows (a source-side trace of a connection dropped at the destination, for one). */
  readonly flows: number;
}

/** Options of {@link observedTraffic}. */
export interface TrafficOptions {
  readonly includeDrops?: boolean | undefined;
  readonly includeAudit?: boolean | undefined;
}

// Verdicts that did not deliver the connection, and the audit-mode verdict.
const BLOCKED = new Set(["DROPPED", "ERROR"]);

function sum(counts: Readonly<Record<string, number>>, keep: (verdict: string) => boolean): number {
  let n = 0;
  for (const [verdict, count] of Object.entries(counts)) if (keep(verdict)) n += count;
  return n;
}

/** The variant an identity stands for when the graph kept no per-flow variants (older graphs, hand-built ones). */
export function variantOfIdentity(identity: Identity): EndpointVariant {
  if (identity.kind === "workload") return endpointVariant({ labels: identity.ciliumLabels, namespace: identity.namespace, identity: 0, ip: "", dnsNames: [] });
  const labels = identity.ciliumLabels.length > 0 ? identity.ciliumLabels : [`reserved:${identity.entity}`];
  return endpointVariant({ labels, namespace: "", identity: 0, ip: identity.ip, dnsNames: identity.dnsNames });
}

function flowsOf(v: EdgeVariant): number {
  return v.forwarded + v.l7;
}

/**
 * The traffic a recommendation must allow. An edge is in when traffic got through that a
 * policy in enforcing mode let pass: connections or requests FORWARDED or REDIRECTED to the
 * proxy, sightings of connections opened before observation, or (when the window holds
 * only flow counts for it) forwarded flows. AUDIT verdicts (a policy in audit mode would
 * have denied them) count only with `includeAudit`, DROPPED ones only with `includeDrops`;
 * edges left out that still had forwarded flows are returned as excluded, so the replay
 * can account for them. Of an edge that is in, the end variants whose flows got through
 * (or were included) are the ones to allow. Ordered by identity keys, protocol and port,
 * so everything built from it is deterministic whatever the order of the input.
 */
export function observedTraffic(graph: ObservedGraph, options: TrafficOptions = {}): { traffic: readonly ObservedTraffic[]; excluded: readonly ExcludedTraffic[] } {
  const includeDrops = options.includeDrops ?? false;
  const includeAudit = options.includeAudit ?? false;
  const identities = new Map<string, Identity>(graph.identities.map((o) => [o.identity.key, o.identity]));
  const traffic: ObservedTraffic[] = [];
  const excluded: ExcludedTraffic[] = [];
  for (const edge of graph.edges) {
    const source = identities.get(edge.source);
    const destination = identities.get(edge.destination);
    if (source === undefined || destination === undefined) continue;
    const enforced = (v: string): boolean => !BLOCKED.has(v) && v !== "AUDIT";
    const passed = sum(edge.connectionsByVerdict, enforced) + sum(edge.requestsByVerdict, enforced) + edge.existing;
    const audited = (edge.connectionsByVerdict.AUDIT ?? 0) + (edge.requestsByVerdict.AUDIT ?? 0);
    const dropped = (edge.connectionsByVerdict.DROPPED ?? 0) + (edge.requestsByVerdict.DROPPED ?? 0);
    const recorded = edge.variants !== undefined && edge.variants.length > 0 ? edge.variants : undefined;
    const flows = (recorded ?? []).reduce((n, v) => n + flowsOf(v), 0);
    const onlyCounts = edge.connections + edge.requests + edge.existing === 0 && flows > 0;
    const keptAudit = includeAudit ? audited : 0;
    const keptDrops = includeDrops ? dropped : 0;
    if (passed + keptAudit + keptDrops === 0 && !onlyCounts) {
      if (flows > 0) excluded.push({ edge, reason: audited > 0 ? "audit" : "dropped", flows });
      continue;
    }
    const variants: TrafficVariant[] = recorded === undefined
      ? [{ source: variantOfIdentity(source), destination: variantOfIdentity(destination), flows: 0 }]
      : recorded
          .filter((v) => flowsOf(v) > 0 || (includeAudit && v.audited > 0) || (includeDrops && v.dropped > 0))
          .map((v) => ({ source: v.source, destination: v.destination, flows: flowsOf(v) }));
    if (variants.length === 0) variants.push({ source: variantOfIdentity(source), destination: variantOfIdentity(destination), flows: 0 });
    traffic.push({
      edge, source, destination, protocol: edge.protocol, port: edge.port, variants,
      connections: sum(edge.connectionsByVerdict, enforced) + keptAudit + keptDrops, requests: sum(edge.requestsByVerdict, enforced),
      existing: edge.existing, audited: keptAudit, dropped: keptDrops, firstSeenMs: edge.firstSeenMs, lastSeenMs: edge.lastSeenMs,
    });
  }
  const order = (a: { edge: ObservedEdge }, b: { edge: ObservedEdge }): number =>
    a.edge.source.localeCompare(b.edge.source) || a.edge.destination.localeCompare(b.edge.destination) || a.edge.protocol.localeCompare(b.edge.protocol) || a.edge.port - b.edge.port;
  return { traffic: traffic.sort(order), excluded: excluded.sort(order) };
}
