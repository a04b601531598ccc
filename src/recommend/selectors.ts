import { CLUSTER_LABEL } from "../flows/index.js";
import type { Principal, PrincipalIndex } from "./principal.js";
import { describePrincipal } from "./principal.js";
import { chooseSelector, memoK8sLabels, newPodLabels } from "./workload-selector.js";
import type { OtherSets, SelectorChoice } from "./workload-selector.js";

/** The policy kinds, as the selector rules differ between them. */
export type PolicyKind = "NetworkPolicy" | "CiliumNetworkPolicy";

/**
 * Selectors for the principals of a window, chosen once per principal, role and kind:
 * - as a policy subject (`endpointSelector` / `podSelector`) it must match its own pods and
 *   no other workload of its namespace in its cluster (a policy selects local endpoints);
 * - as a peer (`toEndpoints` / `podSelector` in a rule) no other workload of its namespace
 *   in any cluster (a peer selector matches across a ClusterMesh).
 * In a window with several clusters both carry the cluster label.
 * Neither ever matches a pod created with no labels of its own.
 */
export class SelectorBook {
  private readonly cache = new Map<string, SelectorChoice>();
  private readonly byNamespace = new Map<string, Principal[]>();
  /** Parsed label sets, shared by every choice of the book. */
  private readonly labelsOf = memoK8sLabels();

  constructor(private readonly index: PrincipalIndex) {
    for (const p of index.all) {
      const list = this.byNamespace.get(p.namespace);
      if (list === undefined) this.byNamespace.set(p.namespace, [p]);
      else list.push(p);
    }
  }

  /** The selector of a principal as a policy's subject. */
  subject(p: Principal, kind: PolicyKind): SelectorChoice {
    return this.choose(p, kind, "subject");
  }

  /** The selector of a principal as a rule's peer (without the namespace part). */
  peer(p: Principal, kind: PolicyKind): SelectorChoice {
    return this.choose(p, kind, "peer");
  }

  private choose(p: Principal, kind: PolicyKind, role: "subject" | "peer"): SelectorChoice {
    const id = `${role}|${kind}|${p.key}`;
    const known = this.cache.get(id);
    if (known !== undefined) return known;
    const neighbours = (this.byNamespace.get(p.namespace) ?? []).filter((o) => o !== p && (role === "peer" || o.cluster === p.cluster));
    const clusters = role === "peer" ? [...new Set([p.cluster, ...neighbours.map((o) => o.cluster)])] : [p.cluster];
    const others: OtherSets[] = [
      ...neighbours.map((o) => ({ name: describePrincipal(o), sets: o.labelSets })),
      ...clusters.map((c) => ({ name: `a new pod of ${p.namespace} with no labels of its own`, sets: [newPodLabels(p.namespace, p.workload.namespaceLabels, c)] })),
    ];
    // In a window of several clusters every selector names its cluster: a peer selector
    // matches across the ClusterMesh, and a subject selector then says which cluster's
    // pods the policy is for, so the clusters' sets can be read (and simulated) together.
    const required = this.index.multiCluster && p.cluster !== "" ? { [CLUSTER_LABEL]: p.cluster } : undefined;
    const choice = chooseSelector({ sets: p.labelSets, others, serviceAccount: kind === "CiliumNetworkPolicy", labelsOf: this.labelsOf, ...(required === undefined ? {} : { required }) });
    this.cache.set(id, choice);
    return choice;
  }
}

/** The selector object written into a policy: matchLabels, and matchExpressions when there are any. */
export function selectorObject(spec: { readonly matchLabels: Readonly<Record<string, string>>; readonly matchExpressions: readonly object[] }, extra: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  return {
    matchLabels: { ...spec.matchLabels, ...extra },
    ...(spec.matchExpressions.length > 0 ? { matchExpressions: spec.matchExpressions.map((e) => ({ ...e })) } : {}),
  };
}
