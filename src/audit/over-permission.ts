import type { Identity, WorkloadIdentity } from "../flows/index.js";
import type { ObservedGraph } from "../graph/index.js";
import { connectionInput, directionOutcome, survivesDefaultDeny } from "./assess.js";
import { identityOf, indexIdentities, namespaceOf } from "./endpoints.js";
import type { PolicyView } from "./policy-view.js";
import { edgeTraffic, isUsed, portText } from "./traffic.js";

/**
 * How much more the policies allow than the traffic needs.
 *
 * Definition. Let W be the workload identities of the graph, and P the (protocol, port)
 * pairs (TCP, UDP, SCTP) observed on any edge into a workload, whatever its verdict (the
 * ports somebody dialled). A candidate triple is (s, d, p) in W × W × P, s = d included
 * (pods of one workload talking to each other). A triple is *allowed* when evaluating a
 * connection from s to d on p allows it in both directions: the source's egress and the
 * destination's ingress (a direction no policy isolates allows everything, as it does
 * today). A triple is *used* when an edge s → d on p carried traffic that got through in
 * the window. The ratio is allowed / used; 1.0 means the policies allow exactly the
 * workload-to-workload connections that were used (among the identities and ports seen).
 * `explicit` counts only triples that survive default-deny (both directions allowed by a
 * rule, or not enforced). With a namespace, only triples with s or d in it count.
 *
 * Peers that are not workloads (world addresses, CIDRs, host, kube-apiserver, remote
 * nodes) are counted separately, as (workload, peer, port) triples over the reserved
 * identities seen, plus how many (workload, port) pairs are open to or from any address
 * on the internet: a probe address nobody observed (198.18.0.1, a benchmarking range that
 * no real peer uses) with no DNS name.
 */
export interface OverPermission {
  readonly workloads: number;
  readonly ports: readonly string[];
  readonly candidates: number;
  readonly allowed: number;
  readonly explicitAllowed: number;
  readonly used: number;
  /** Used triples the policies deny (observed getting through, e.g. before the policies applied). */
  readonly usedButDenied: number;
  /** allowed / used; `undefined` when nothing was used or the candidates exceeded the bound. */
  readonly ratio: number | undefined;
  /** explicitAllowed / used; `undefined` likewise. */
  readonly explicitRatio: number | undefined;
  /** Set when there were more candidates than `maxEvaluations`: nothing was evaluated. */
  readonly skipped?: "too-many-candidates";
  readonly peers: PeerPermission;
}

/** The non-workload part of {@link OverPermission}. */
export interface PeerPermission {
  /** Reserved identities seen (one per world address). */
  readonly identities: number;
  readonly candidates: number;
  readonly allowed: number;
  readonly used: number;
  /** allowed / used; `undefined` when nothing was used. */
  readonly ratio: number | undefined;
  /** (workload, port) pairs whose egress reaches an unobserved internet address. */
  readonly openToWorld: number;
  /** (workload, port) pairs whose ingress accepts an unobserved internet address. */
  readonly openFromWorld: number;
}

/** Options of {@link computeOverPermission}. */
export interface OverPermissionOptions {
  /** Only triples with an end in this namespace; `undefined`: all. */
  readonly namespace?: string;
  /** Bound on evaluations (default 2,000,000); `undefined`: the default. */
  readonly maxEvaluations?: number;
}

const PROBE: Identity = { kind: "reserved", key: "world:198.18.0.1", entity: "world", ip: "198.18.0.1", dnsNames: [], ciliumLabels: ["reserved:world"] };
const PORTED = new Set(["TCP", "UDP", "SCTP"]);

function ratio(allowed: number, used: number): number | undefined {
  return used === 0 ? undefined : allowed / used;
}

/** Computes the over-permission ratio of the policies in `view` over the identities and ports of a graph. */
export function computeOverPermission(graph: ObservedGraph, view: PolicyView, options: OverPermissionOptions = {}): OverPermission {
  const identities = indexIdentities(graph);
  const workloads = graph.identities.map((o) => o.identity).filter((i): i is WorkloadIdentity => i.kind === "workload");
  const reserved = graph.identities.map((o) => o.identity).filter((i) => i.kind === "reserved");
  const inScope = (...ends: Identity[]): boolean => options.namespace === undefined || ends.some((e) => namespaceOf(e) === options.namespace);
  const ports = new Map<string, { protocol: string; port: number }>();
  const worldPorts = new Map<string, { protocol: string; port: number }>();
  const used = new Set<string>();
  const usedPeer = new Set<string>();
  for (const edge of graph.edges) {
    if (!PORTED.has(edge.protocol)) continue;
    const source = identityOf(identities, edge.source);
    const destination = identityOf(identities, edge.destination);
    const p = portText(edge.protocol, edge.port);
    if (destination.kind === "workload") ports.set(p, { protocol: edge.protocol, port: edge.port });
    else worldPorts.set(p, { protocol: edge.protocol, port: edge.port });
    if (!isUsed(edgeTraffic(edge)) || !inScope(source, destination)) continue;
    const triple = `${edge.source}|${edge.destination}|${p}`;
    if (source.kind === "workload" && destination.kind === "workload") used.add(triple);
    else if (source.kind === "workload" || destination.kind === "workload") usedPeer.add(triple);
  }
  const portList = [...ports.entries()].sort(([a], [b]) => a.localeCompare(b));
  const worldList = [...worldPorts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const candidates = workloads.length * workloads.length * portList.length;
  const check = (s: Identity, d: Identity, protocol: string, port: number): { allowed: boolean; explicit: boolean } => {
    const e = view.evaluator.evaluate(connectionInput(view, s, d, protocol, port));
    const explicit = survivesDefaultDeny(directionOutcome(e.egress)) && survivesDefaultDeny(directionOutcome(e.ingress));
    return { allowed: e.verdict === "allowed", explicit };
  };
  let allowed = 0;
  let explicitAllowed = 0;
  let usedButDenied = 0;
  const limit = options.maxEvaluations ?? 2_000_000;
  const skipped = candidates > limit;
  if (!skipped) {
    for (const s of workloads) {
      for (const d of workloads) {
        if (!inScope(s, d)) continue;
        for (const [p, { protocol, port }] of portList) {
          const r = check(s, d, protocol, port);
          if (r.allowed) allowed++;
          if (r.explicit) explicitAllowed++;
          if (!r.allowed && used.has(`${s.key}|${d.key}|${p}`)) usedButDenied++;
        }
      }
    }
  }
  const peers = peerPermission({ workloads, reserved, portList, worldList, usedPeer, inScope, check, limit });
  return {
    workloads: workloads.length, ports: portList.map(([p]) => p), candidates, allowed, explicitAllowed, used: used.size, usedButDenied,
    ratio: skipped ? undefined : ratio(allowed, used.size), explicitRatio: skipped ? undefined : ratio(explicitAllowed, used.size),
    ...(skipped ? { skipped: "too-many-candidates" as const } : {}),
    peers,
  };
}

interface PeerJob {
  readonly workloads: readonly WorkloadIdentity[];
  readonly reserved: readonly Identity[];
  readonly portList: readonly (readonly [string, { protocol: string; port: number }])[];
  readonly worldList: readonly (readonly [string, { protocol: string; port: number }])[];
  readonly usedPeer: ReadonlySet<string>;
  readonly inScope: (...ends: Identity[]) => boolean;
  readonly check: (s: Identity, d: Identity, protocol: string, port: number) => { allowed: boolean };
  readonly limit: number;
}

function peerPermission(job: PeerJob): PeerPermission {
  const { workloads, reserved, portList, worldList, check } = job;
  const scoped = workloads.filter((w) => job.inScope(w));
  const candidates = scoped.length * reserved.length * (worldList.length + portList.length);
  let allowed = 0;
  let openToWorld = 0;
  let openFromWorld = 0;
  if (candidates <= job.limit) {
    for (const w of scoped) {
      for (const r of reserved) {
        for (const [, { protocol, port }] of worldList) if (check(w, r, protocol, port).allowed) allowed++;
        for (const [, { protocol, port }] of portList) if (check(r, w, protocol, port).allowed) allowed++;
      }
      for (const [, { protocol, port }] of worldList) if (check(w, PROBE, protocol, port).allowed) openToWorld++;
      for (const [, { protocol, port }] of portList) if (check(PROBE, w, protocol, port).allowed) openFromWorld++;
    }
  }
  return {
    identities: reserved.length, candidates, allowed, used: job.usedPeer.size,
    ratio: candidates > job.limit ? undefined : ratio(allowed, job.usedPeer.size), openToWorld, openFromWorld,
  };
}
