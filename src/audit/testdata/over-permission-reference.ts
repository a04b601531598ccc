/**
 * The over-permission numbers by brute force: every candidate triple evaluated with the
 * policy evaluator. The definition in one place, slow on purpose; tests compare the
 * set-algebra count against it.
 */
import type { Identity, WorkloadIdentity } from "../../flows/index.js";
import type { ObservedGraph } from "../../graph/index.js";
import { connectionInput, directionOutcome, survivesDefaultDeny } from "../assess.js";
import type { NamespacePermission, OverPermission, OverPermissionOptions } from "../over-permission.js";
import { newPodsOf, PROBE } from "../permission-candidates.js";
import type { PolicyView } from "../policy-view.js";
import { edgeTraffic, isUsed, portText } from "../traffic.js";

interface Port {
  readonly text: string;
  readonly protocol: string;
  readonly port: number;
}

/**
 * Every number of {@link OverPermission} by enumeration, for the whole graph and for
 * each namespace option (one enumeration serves all). `evaluations` is left at 0.
 */
export function overPermissionByEnumeration(graph: ObservedGraph, view: PolicyView): (options?: Pick<OverPermissionOptions, "namespace">) => OverPermission {
  const byKey = new Map(graph.identities.map((o) => [o.identity.key, o.identity]));
  const workloads = graph.identities.map((o) => o.identity).filter((i): i is WorkloadIdentity => i.kind === "workload");
  const reserved = graph.identities.map((o) => o.identity).filter((i) => i.kind === "reserved");
  const members = [...workloads, ...newPodsOf(workloads)];
  const nsOf = (i: Identity | undefined): string | undefined => (i?.kind === "workload" ? i.namespace : undefined);
  const toWorkloads = new Map<string, Port>();
  const toPeers = new Map<string, Port>();
  const used = new Set<string>();
  const usedPeer = new Map<string, (string | undefined)[]>();
  for (const e of graph.edges) {
    if (!["TCP", "UDP", "SCTP"].includes(e.protocol)) continue;
    const s = byKey.get(e.source);
    const d = byKey.get(e.destination);
    const text = portText(e.protocol, e.port);
    (d?.kind === "workload" ? toWorkloads : toPeers).set(text, { text, protocol: e.protocol, port: e.port });
    if (!isUsed(edgeTraffic(e))) continue;
    const key = `${e.source}|${e.destination}|${text}`;
    if (s?.kind === "workload" && d?.kind === "workload") used.add(key);
    else if (s?.kind === "workload" || d?.kind === "workload") usedPeer.set(key, [nsOf(s), nsOf(d)]);
  }
  const sorted = (m: Map<string, Port>): Port[] => [...m.values()].sort((a, b) => a.text.localeCompare(b.text));
  const ports = sorted(toWorkloads);
  const peerPorts = sorted(toPeers);
  const check = (s: Identity, d: Identity, p: Port): { allowed: boolean; explicit: boolean } => {
    const e = view.evaluator.evaluate(connectionInput(view, s, d, p.protocol, p.port));
    return { allowed: e.verdict === "allowed", explicit: survivesDefaultDeny(directionOutcome(e.egress)) && survivesDefaultDeny(directionOutcome(e.ingress)) };
  };
  const triples: { s: WorkloadIdentity; d: WorkloadIdentity; allowed: boolean; explicit: boolean; used: boolean }[] = [];
  for (const s of members) {
    for (const d of members) {
      for (const p of ports) triples.push({ s, d, ...check(s, d, p), used: used.has(`${s.key}|${d.key}|${p.text}`) });
    }
  }
  const namespaces = [...new Set(workloads.map((w) => w.namespace))].sort();
  const numbers = (ns: string | undefined): Omit<NamespacePermission, "namespace" | "workloads"> => {
    const mine = triples.filter((t) => ns === undefined || t.s.namespace === ns || t.d.namespace === ns);
    const isNew = (w: WorkloadIdentity): boolean => !workloads.includes(w);
    const allowed = mine.filter((t) => t.allowed).length;
    const explicitAllowed = mine.filter((t) => t.explicit).length;
    const usedCount = mine.filter((t) => t.used).length;
    return {
      candidates: mine.length, allowed, explicitAllowed,
      newPodAllowed: mine.filter((t) => t.allowed && (isNew(t.s) || isNew(t.d))).length,
      used: usedCount, usedButDenied: mine.filter((t) => t.used && !t.allowed).length,
      ratio: usedCount === 0 ? undefined : allowed / usedCount, explicitRatio: usedCount === 0 ? undefined : explicitAllowed / usedCount,
    };
  };
  const peerCounts = new Map(members.map((w) => {
    let allowed = 0;
    let openToWorld = 0;
    let openFromWorld = 0;
    for (const r of reserved) {
      for (const p of peerPorts) if (check(w, r, p).allowed) allowed++;
      for (const p of ports) if (check(r, w, p).allowed) allowed++;
    }
    for (const p of peerPorts) if (check(w, PROBE, p).allowed) openToWorld++;
    for (const p of ports) if (check(PROBE, w, p).allowed) openFromWorld++;
    return [w, { allowed, openToWorld, openFromWorld }];
  }));
  return (options = {}) => {
    const scope = options.namespace;
    const scoped = members.filter((m) => scope === undefined || m.namespace === scope);
    const sum = (f: (c: { allowed: number; openToWorld: number; openFromWorld: number }) => number): number =>
      scoped.reduce((n, w) => n + f(peerCounts.get(w) ?? { allowed: 0, openToWorld: 0, openFromWorld: 0 }), 0);
    const peerUsed = [...usedPeer.values()].filter((ends) => scope === undefined || ends.includes(scope)).length;
    const peerAllowed = sum((c) => c.allowed);
    return {
      workloads: workloads.length, newPods: namespaces.length, ports: ports.map((p) => p.text),
      ...numbers(scope),
      byNamespace: namespaces
        .filter((ns) => scope === undefined || ns === scope)
        .map((namespace) => ({ namespace, workloads: workloads.filter((w) => w.namespace === namespace).length, ...numbers(namespace) })),
      peers: {
        identities: reserved.length, candidates: scoped.length * reserved.length * (peerPorts.length + ports.length), allowed: peerAllowed, used: peerUsed,
        ratio: peerUsed === 0 ? undefined : peerAllowed / peerUsed, openToWorld: sum((c) => c.openToWorld), openFromWorld: sum((c) => c.openFromWorld),
      },
      evaluations: 0,
    };
  };
}
