import type { PolicyEndpoint } from "./endpoint.js";

interface Entry<T> {
  readonly labels: readonly string[];
  readonly namespace: string | undefined;
  readonly podRef: string;
  readonly value: T;
}

/** Cluster-scoped identities (Cilium: 256..65535, larger with clustermesh); node-local ones (2^24+) differ per node. */
const MAX_CLUSTER_IDENTITY = 16_777_215;
const MAX_ENTRIES = 100_000;

/**
 * A cache hint keyed by Cilium's numeric identity, else by the pod's namespace and name.
 * Cilium allocates one identity per label set, and a pod keeps its labels between flows,
 * so the hint usually finds the entry without building a key from all the labels; the
 * entry is used only when its labels, namespace and Pod object equal the endpoint's
 * (compared element by element, so a reused or node-local number, or a relabelled pod,
 * cannot return another label set's facts).
 */
export class IdentityCache<T> {
  private readonly entries = new Map<number | string, Entry<T>>();

  /** The value remembered for this endpoint's hint, if it describes the same labels. */
  find(ep: PolicyEndpoint, namespace: string | undefined, podRef: string): T | undefined {
    const hint = hintOf(ep);
    if (hint === undefined) return undefined;
    const e = this.entries.get(hint);
    if (e === undefined || e.namespace !== namespace || e.podRef !== podRef || e.labels.length !== ep.labels.length) return undefined;
    for (let i = 0; i < e.labels.length; i++) if (e.labels[i] !== ep.labels[i]) return undefined;
    return e.value;
  }

  /** Remembers the value for the endpoint's hint (latest wins). */
  remember(ep: PolicyEndpoint, namespace: string | undefined, podRef: string, value: T): void {
    const hint = hintOf(ep);
    if (hint === undefined) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hint, { labels: [...ep.labels], namespace, podRef, value });
  }
}

function hintOf(ep: PolicyEndpoint): number | string | undefined {
  if (ep.identity !== undefined && ep.identity <= MAX_CLUSTER_IDENTITY) return ep.identity;
  return ep.podName === undefined || ep.namespace === undefined ? undefined : `${ep.namespace}/${ep.podName}`;
}
