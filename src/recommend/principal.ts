import { CLUSTER_LABEL, POD_LESS_KIND } from "../flows/index.js";
import type { Identity, WorkloadIdentity } from "../flows/index.js";
import type { ObservedGraph } from "../graph/index.js";

/**
 * A workload as Cilium enforces on it: one workload of one cluster, with every label set
 * (security identity) its pods carried in the window. Policies select principals; the
 * peer of a rule is a principal, never a name Hubble attached.
 */
export interface Principal {
  /** The workload key, with `@<cluster>` when the window holds several clusters. */
  readonly key: string;
  readonly workload: WorkloadIdentity;
  /** The Cilium cluster of its pods; "" when the labels name none. */
  readonly cluster: string;
  readonly namespace: string;
  /** Distinct Cilium label sets, in order of their text. */
  readonly labelSets: readonly (readonly string[])[];
}

/** The principals of a window, and how to find the one an edge end belongs to. */
export interface PrincipalIndex {
  readonly clusters: readonly string[];
  readonly multiCluster: boolean;
  readonly all: readonly Principal[];
  /** The principal of a workload end with the labels of one variant. */
  of(workload: WorkloadIdentity, labels: readonly string[]): Principal;
}

const CLUSTER_PREFIX = `k8s:${CLUSTER_LABEL}=`;

/** The cluster a label set names (`io.cilium.k8s.policy.cluster`), else the identity's. */
export function clusterOf(labels: readonly string[], fallback: string): string {
  const label = labels.find((l) => l.startsWith(CLUSTER_PREFIX));
  return label === undefined ? fallback : label.slice(CLUSTER_PREFIX.length);
}

function setText(labels: readonly string[]): string {
  return [...labels].sort().join("\n");
}

interface Draft {
  workload: WorkloadIdentity;
  cluster: string;
  sets: Map<string, readonly string[]>;
}

/**
 * Builds the principals of a window from every workload identity and every recorded end
 * variant of every edge (whatever its verdict: pods that were only denied still exist and
 * must not be selected by accident). A workload known only from pod-less endpoints (kind
 * Identity: an L7 proxy's upstream leg seen before any pod of its security identity) is
 * the workload of its namespace and cluster whose pods carry the same labels, when there
 * is one: both are one security identity to Cilium.
 */
export function indexPrincipals(graph: ObservedGraph): PrincipalIndex {
  const identities = new Map<string, Identity>(graph.identities.map((o) => [o.identity.key, o.identity]));
  const drafts = new Map<string, Draft>();
  const draftOf = (w: WorkloadIdentity, labels: readonly string[]): Draft => {
    const cluster = clusterOf(labels, w.cluster);
    const id = `${w.key}\u0000${cluster}`;
    let d = drafts.get(id);
    if (d === undefined) drafts.set(id, (d = { workload: w, cluster, sets: new Map() }));
    if (labels.length > 0) d.sets.set(setText(labels), labels);
    return d;
  };
  for (const { identity } of graph.identities) if (identity.kind === "workload") draftOf(identity, identity.ciliumLabels);
  for (const edge of graph.edges) {
    const source = identities.get(edge.source);
    const destination = identities.get(edge.destination);
    for (const v of edge.variants ?? []) {
      if (source?.kind === "workload") draftOf(source, v.source.labels);
      if (destination?.kind === "workload") draftOf(destination, v.destination.labels);
    }
  }
  const clusters = [...new Set([...drafts.values()].map((d) => d.cluster))].sort();
  const multiCluster = clusters.length > 1;
  // Pod-less identities join the workload that carries their labels.
  const bySet = new Map<string, Draft>();
  for (const d of drafts.values()) {
    if (d.workload.workloadKind === POD_LESS_KIND) continue;
    for (const text of d.sets.keys()) bySet.set(`${d.workload.namespace}\u0000${d.cluster}\u0000${text}`, d);
  }
  const alias = new Map<Draft, Draft>();
  for (const d of drafts.values()) {
    if (d.workload.workloadKind !== POD_LESS_KIND) continue;
    const host = [...d.sets.keys()].map((t) => bySet.get(`${d.workload.namespace}\u0000${d.cluster}\u0000${t}`)).find((h) => h !== undefined);
    if (host !== undefined) alias.set(d, host);
  }
  const principals = new Map<Draft, Principal>();
  for (const d of drafts.values()) {
    if (alias.has(d)) continue;
    const key = multiCluster && d.cluster !== "" ? `${d.workload.key}@${d.cluster}` : d.workload.key;
    const labelSets = [...d.sets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, l]) => l);
    principals.set(d, { key, workload: d.workload, cluster: d.cluster, namespace: d.workload.namespace, labelSets });
  }
  const all = [...principals.values()].sort((a, b) => a.key.localeCompare(b.key));
  return {
    clusters,
    multiCluster,
    all,
    of(workload, labels) {
      const d = drafts.get(`${workload.key}\u0000${clusterOf(labels, workload.cluster)}`);
      const p = d === undefined ? undefined : principals.get(alias.get(d) ?? d);
      if (p === undefined) throw new Error(`no principal for ${workload.key}: the index was built from another graph`);
      return p;
    },
  };
}

/** `shop/web`, or `shop/web@east` in a multi-cluster window. */
export function describePrincipal(p: Principal): string {
  const name = `${p.namespace}/${p.workload.name}`;
  return p.key.includes("@") ? `${name}@${p.cluster}` : name;
}
