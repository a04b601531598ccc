import type { EndpointVariant, Identity, ReservedEntity } from "../flows/index.js";
import type { DnsSeen, HttpSeen } from "../graph/index.js";
import type { Principal, PrincipalIndex } from "./principal.js";
import type { ObservedTraffic, RuleEvidence } from "./types.js";

/** The other end of a recommended rule. */
export type PlannedPeer =
  | { readonly kind: "workload"; readonly principal: Principal }
  | {
      readonly kind: "world";
      readonly ip: string;
      /** DNS names the flows carried for the address (lower case, no trailing dot). */
      readonly dnsNames: readonly string[];
      /** Whether some flows carried no name: toFQDNs alone would not match them. */
      readonly unnamed: boolean;
      /** `namespace/pod` when Hubble named a pod for the address (a world-identity pod). */
      readonly pod: string | undefined;
    }
  | {
      readonly kind: "entity";
      /** A Cilium entity; `world` for a port open to every internet address (public ingress). */
      readonly entity: ReservedEntity;
      /** Addresses seen for it (the API server's, for NetworkPolicy ipBlocks); sorted. */
      readonly ips: readonly string[];
      /** Whether its identity also carried a node label (host, remote-node): an API server running on a node. */
      readonly onNode: boolean;
    };

/** What one subject allowed with one peer on one protocol and port, with its evidence and L7 detail. */
export interface PlannedPort {
  readonly protocol: string;
  /** The destination port; the ICMP type for ICMPv4 / ICMPv6. */
  readonly port: number;
  readonly evidence: RuleEvidence;
  readonly http: readonly HttpSeen[];
  readonly dns: readonly DnsSeen[];
  /** The observed traffic it stands for; empty for ports added rather than seen. */
  readonly traffic: readonly ObservedTraffic[];
}

/** Everything one subject exchanged with one peer in one direction. */
export interface PlannedRule {
  readonly peerKey: string;
  readonly peer: PlannedPeer;
  readonly ports: readonly PlannedPort[];
}

/** The rules of one principal in one direction. */
export interface PlannedDirection {
  readonly subject: Principal;
  readonly direction: "ingress" | "egress";
  readonly rules: readonly PlannedRule[];
}

/** Options of {@link planRules}. */
export interface PlanOptions {
  /** Whether a principal gets policies. */
  readonly inScope: (p: Principal) => boolean;
  /** Distinct world addresses on one ingress port from which the port counts as public. */
  readonly publicIngressThreshold: number;
}

/** A warning the plan raises. */
export interface PlanNote {
  readonly kind: "world-identity-pod" | "public-ingress";
  readonly subject: Principal;
  readonly direction: "ingress" | "egress";
  readonly message: string;
}

/** Merges evidence: counts add up, the window of sightings widens. */
export function mergeEvidence(a: RuleEvidence, b: RuleEvidence): RuleEvidence {
  const added = a.added ?? b.added;
  return {
    connections: a.connections + b.connections, requests: a.requests + b.requests, existing: a.existing + b.existing,
    audited: a.audited + b.audited, dropped: a.dropped + b.dropped,
    firstSeenMs: Math.min(a.firstSeenMs, b.firstSeenMs), lastSeenMs: Math.max(a.lastSeenMs, b.lastSeenMs),
    ...(a.added !== undefined && b.added !== undefined && added !== undefined ? { added } : {}),
  };
}

function evidenceOf(t: ObservedTraffic): RuleEvidence {
  return { connections: t.connections, requests: t.requests, existing: t.existing, audited: t.audited, dropped: t.dropped, firstSeenMs: t.firstSeenMs, lastSeenMs: t.lastSeenMs };
}

interface PeerDraft {
  peer: PlannedPeer;
  ports: Map<string, PlannedPort>;
}

interface SubjectDraft {
  readonly subject: Principal;
  readonly ingress: Map<string, PeerDraft>;
  readonly egress: Map<string, PeerDraft>;
}

function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** The peer an edge end stands for, with the variant its flows carried. */
function peerOf(identity: Identity, variant: EndpointVariant, index: PrincipalIndex): { key: string; peer: PlannedPeer } {
  if (identity.kind === "workload") {
    const principal = index.of(identity, variant.labels);
    return { key: principal.key, peer: { kind: "workload", principal } };
  }
  if (identity.entity === "world" || identity.entity === "unknown") {
    const ip = identity.ip !== "" ? identity.ip : variant.ip;
    const names = [...new Set(variant.dnsNames.map(dnsName).filter((n) => n !== ""))].sort();
    return { key: `world:${ip}`, peer: { kind: "world", ip, dnsNames: names, unnamed: names.length === 0, pod: identity.pod } };
  }
  const onNode = variant.labels.some((l) => l === "reserved:host" || l === "reserved:remote-node");
  return { key: `reserved:${identity.entity}`, peer: { kind: "entity", entity: identity.entity, ips: variant.ip === "" ? [] : [variant.ip], onNode } };
}

/** Joins what two sightings say about one peer. */
function joinPeer(a: PlannedPeer, b: PlannedPeer): PlannedPeer {
  if (a.kind === "world" && b.kind === "world") {
    return { ...a, dnsNames: [...new Set([...a.dnsNames, ...b.dnsNames])].sort(), unnamed: a.unnamed || b.unnamed, pod: a.pod ?? b.pod };
  }
  if (a.kind === "entity" && b.kind === "entity") return { ...a, ips: [...new Set([...a.ips, ...b.ips])].sort(), onNode: a.onNode || b.onNode };
  return a;
}

function addPort(bucket: Map<string, PeerDraft>, key: string, peer: PlannedPeer, t: ObservedTraffic): void {
  const draft = bucket.get(key);
  if (draft === undefined) bucket.set(key, { peer, ports: new Map() });
  else draft.peer = joinPeer(draft.peer, peer);
  const ports = (bucket.get(key) as PeerDraft).ports; // set just above
  const portKey = `${t.protocol}/${t.port}`;
  const known = ports.get(portKey);
  if (known?.traffic.includes(t) === true) return;
  ports.set(
    portKey,
    known === undefined
      ? { protocol: t.protocol, port: t.port, evidence: evidenceOf(t), http: t.edge.http, dns: t.edge.dns, traffic: [t] }
      : { ...known, evidence: mergeEvidence(known.evidence, evidenceOf(t)), http: [...known.http, ...t.edge.http], dns: [...known.dns, ...t.edge.dns], traffic: [...known.traffic, t] },
  );
}

/**
 * Groups the traffic by subject principal and direction: a flow is an egress rule of its
 * source and an ingress rule of its destination, for the ends that are workloads in scope.
 * Each end is the principal of the labels its flows carried; a world-identity pod is a
 * world address (a CIDR peer), never a subject. Subjects, rules and ports come out sorted.
 */
export function planRules(traffic: readonly ObservedTraffic[], index: PrincipalIndex, options: PlanOptions): { planned: readonly PlannedDirection[]; notes: readonly PlanNote[] } {
  const subjects = new Map<string, SubjectDraft>();
  const slot = (p: Principal): SubjectDraft => {
    let s = subjects.get(p.key);
    if (s === undefined) subjects.set(p.key, (s = { subject: p, ingress: new Map(), egress: new Map() }));
    return s;
  };
  for (const t of traffic) {
    for (const v of t.variants) {
      const source = peerOf(t.source, v.source, index);
      const destination = peerOf(t.destination, v.destination, index);
      if (source.peer.kind === "workload" && options.inScope(source.peer.principal)) addPort(slot(source.peer.principal).egress, destination.key, destination.peer, t);
      if (destination.peer.kind === "workload" && options.inScope(destination.peer.principal)) addPort(slot(destination.peer.principal).ingress, source.key, source.peer, t);
    }
  }
  const notes: PlanNote[] = [];
  const planned: PlannedDirection[] = [];
  for (const key of [...subjects.keys()].sort()) {
    const s = subjects.get(key);
    if (s === undefined) continue;
    for (const direction of ["ingress", "egress"] as const) {
      const bucket = s[direction];
      if (direction === "ingress") openToWorld(bucket, s.subject, options.publicIngressThreshold, notes);
      for (const d of bucket.values()) {
        if (d.peer.kind === "world" && d.peer.pod !== undefined) {
          notes.push({
            kind: "world-identity-pod", subject: s.subject, direction,
            message: `${d.peer.pod} (${d.peer.ip}) has Cilium's world identity, so ${direction === "egress" ? "egress to" : "ingress from"} it is allowed by address; no selector can match it, and no policy of its own would apply to it`,
          });
        }
      }
      const rules = [...bucket.keys()].sort().map((peerKey): PlannedRule => {
        const d = bucket.get(peerKey) as PeerDraft; // a key of this very map
        const ports = [...d.ports.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
        return { peerKey, peer: d.peer, ports };
      });
      if (rules.length > 0) planned.push({ subject: s.subject, direction, rules });
    }
  }
  return { planned, notes };
}

/**
 * A port that received from at least `threshold` distinct world addresses is public (an
 * ingress controller, a LoadBalancer backend): the next client will come from yet another
 * address, so the port is opened to the world entity instead of to the addresses seen.
 */
function openToWorld(bucket: Map<string, PeerDraft>, subject: Principal, threshold: number, notes: PlanNote[]): void {
  const byPort = new Map<string, string[]>();
  for (const [key, d] of bucket) {
    if (d.peer.kind !== "world") continue;
    for (const portKey of d.ports.keys()) {
      const keys = byPort.get(portKey);
      if (keys === undefined) byPort.set(portKey, [key]);
      else keys.push(key);
    }
  }
  for (const [portKey, keys] of [...byPort.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (keys.length < threshold) continue;
    const world = bucket.get("reserved:world") ?? { peer: { kind: "entity", entity: "world", ips: [], onNode: false }, ports: new Map<string, PlannedPort>() };
    bucket.set("reserved:world", world);
    for (const key of keys) {
      const d = bucket.get(key);
      const port = d?.ports.get(portKey);
      if (d === undefined || port === undefined) continue;
      d.ports.delete(portKey);
      if (d.ports.size === 0) bucket.delete(key);
      const known = world.ports.get(portKey);
      world.ports.set(portKey, known === undefined ? port : { ...known, evidence: mergeEvidence(known.evidence, port.evidence), traffic: [...known.traffic, ...port.traffic], http: [...known.http, ...port.http], dns: [] });
    }
    notes.push({
      kind: "public-ingress", subject, direction: "ingress",
      message: `${portKey} received from ${keys.length} distinct internet addresses: it is open to the world entity (every address), not to the addresses seen`,
    });
  }
}
