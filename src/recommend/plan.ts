import type { Identity, ReservedEntity, WorkloadIdentity } from "../flows/index.js";
import type { DnsSeen, HttpSeen } from "../graph/index.js";
import type { ObservedTraffic, RuleEvidence } from "./types.js";

/** The other end of a recommended rule. */
export type PlannedPeer =
  | { readonly kind: "workload"; readonly identity: WorkloadIdentity }
  | { readonly kind: "world"; readonly ip: string; readonly dnsNames: readonly string[] }
  | { readonly kind: "entity"; readonly entity: ReservedEntity };

/** What one subject allowed with one peer on one protocol and port, with its evidence and L7 detail. */
export interface PlannedPort {
  readonly protocol: string;
  readonly port: number;
  readonly evidence: RuleEvidence;
  readonly http: readonly HttpSeen[];
  readonly dns: readonly DnsSeen[];
  /** The traffic it stands for (for replay bookkeeping). */
  readonly traffic: readonly ObservedTraffic[];
}

/** Everything one subject exchanged with one peer in one direction. */
export interface PlannedRule {
  /** The peer's identity key. */
  readonly peerKey: string;
  readonly peer: PlannedPeer;
  readonly ports: readonly PlannedPort[];
}

/** The rules of one workload in one direction. */
export interface PlannedDirection {
  readonly subject: WorkloadIdentity;
  readonly direction: "ingress" | "egress";
  readonly rules: readonly PlannedRule[];
}

function peerOf(identity: Identity): PlannedPeer {
  if (identity.kind === "workload") return { kind: "workload", identity };
  if (identity.entity === "world") return { kind: "world", ip: identity.ip, dnsNames: identity.dnsNames };
  return { kind: "entity", entity: identity.entity };
}

/** Merges evidence: connections add up, the window of sightings widens. */
export function mergeEvidence(a: RuleEvidence, b: RuleEvidence): RuleEvidence {
  return {
    connections: a.connections + b.connections, requests: a.requests + b.requests, existing: a.existing + b.existing,
    firstSeenMs: Math.min(a.firstSeenMs, b.firstSeenMs), lastSeenMs: Math.max(a.lastSeenMs, b.lastSeenMs) };
}

type Bucket = Map<string, { peer: PlannedPeer; ports: Map<string, PlannedPort> }>;

function add(bucket: Bucket, peerIdentity: Identity, t: ObservedTraffic): void {
  const entry = bucket.get(peerIdentity.key) ?? { peer: peerOf(peerIdentity), ports: new Map<string, PlannedPort>() };
  bucket.set(peerIdentity.key, entry);
  const key = `${t.protocol}/${t.port}`;
  const evidence: RuleEvidence = { connections: t.connections, requests: t.requests, existing: t.existing, firstSeenMs: t.firstSeenMs, lastSeenMs: t.lastSeenMs };
  const known = entry.ports.get(key);
  entry.ports.set(
    key,
    known === undefined
      ? { protocol: t.protocol, port: t.port, evidence, http: t.edge.http, dns: t.edge.dns, traffic: [t] }
      : {
          ...known,
          evidence: mergeEvidence(known.evidence, evidence),
          http: [...known.http, ...t.edge.http],
          dns: [...known.dns, ...t.edge.dns],
          traffic: [...known.traffic, t],
        },
  );
}

/**
 * Groups the traffic by subject workload and direction: an edge is an egress rule of its
 * source and an ingress rule of its destination, for the ends that are workloads in scope
 * (`namespace` undefined: every namespace). Subjects, rules and ports come out sorted.
 */
export function planRules(traffic: readonly ObservedTraffic[], namespace: string | undefined): readonly PlannedDirection[] {
  const subjects = new Map<string, { subject: WorkloadIdentity; ingress: Bucket; egress: Bucket }>();
  const slot = (w: WorkloadIdentity): { subject: WorkloadIdentity; ingress: Bucket; egress: Bucket } => {
    const known = subjects.get(w.key);
    if (known !== undefined) return known;
    const fresh = { subject: w, ingress: new Map() as Bucket, egress: new Map() as Bucket };
    subjects.set(w.key, fresh);
    return fresh;
  };
  const inScope = (i: Identity): i is WorkloadIdentity => i.kind === "workload" && (namespace === undefined || i.namespace === namespace);
  for (const t of traffic) {
    if (inScope(t.source)) add(slot(t.source).egress, t.destination, t);
    if (inScope(t.destination)) add(slot(t.destination).ingress, t.source, t);
  }
  const out: PlannedDirection[] = [];
  for (const key of [...subjects.keys()].sort()) {
    const s = subjects.get(key);
    if (s === undefined) continue;
    for (const direction of ["ingress", "egress"] as const) {
      const bucket = s[direction];
      const rules = [...bucket.keys()].sort().map((peerKey): PlannedRule => {
        const entry = bucket.get(peerKey);
        const ports = [...(entry?.ports.values() ?? [])].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
        return { peerKey, peer: entry?.peer ?? { kind: "entity", entity: "unknown" }, ports };
      });
      out.push({ subject: s.subject, direction, rules });
    }
  }
  return out;
}
