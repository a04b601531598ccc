import type { Identity, WorkloadIdentity } from "../flows/index.js";

/** The labels chosen to select one workload. */
export interface WorkloadSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  /** Whether it selects this workload and no other observed workload of its namespace. */
  readonly exact: boolean;
  /** Keys (`ns/Kind/name`) of other observed workloads it also selects; empty when exact. */
  readonly alsoSelects: readonly string[];
}

// The conventional "name of the app" labels first (Kubernetes recommended labels, then the
// older conventions), then labels that usually narrow an app down to one component.
const PREFERRED_KEYS: readonly string[] = [
  "app.kubernetes.io/name", "app", "k8s-app", "name",
  "app.kubernetes.io/component", "component", "app.kubernetes.io/instance", "tier", "role", "version",
];

// Cilium's default identity-relevant label filter drops these key prefixes, so a selector
// on them would never match under Cilium (docs: operations/performance/scalability/
// identity-relevant-labels). They are also the labels Kubernetes itself manages.
const UNSELECTABLE_PREFIXES: readonly string[] = [
  "io.kubernetes", "kubernetes.io", "k8s.io", "beta.kubernetes.io", "statefulset.kubernetes.io",
  "apps.kubernetes.io", "batch.kubernetes.io", "pod-template-", "controller-", "annotation", "etcd_node", "io.cilium.",
];
const MAX_COMBINATIONS = 2000;

function selectableLabels(w: WorkloadIdentity): [string, string][] {
  const fromCilium = new Set(w.ciliumLabels.filter((l) => l.startsWith("k8s:")).map((l) => l.slice(4)));
  const rank = (key: string): number => {
    const i = PREFERRED_KEYS.indexOf(key);
    return i < 0 ? PREFERRED_KEYS.length : i;
  };
  return Object.entries(w.labels)
    .filter(([k, v]) => !UNSELECTABLE_PREFIXES.some((p) => k.startsWith(p)) && (fromCilium.size === 0 || fromCilium.has(`${k}=${v}`)))
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

function selects(labels: readonly [string, string][], other: WorkloadIdentity): boolean {
  return labels.every(([k, v]) => other.labels[k] === v);
}

/** Index combinations of `n` items of size `k`, in lexicographic (preference) order. */
function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i] = (idx[i] ?? 0) + 1;
    for (let j = i + 1; j < k; j++) idx[j] = (idx[j - 1] ?? 0) + 1;
  }
}

const NAME_KEYS = new Set(PREFERRED_KEYS.slice(0, 4));

/** The first exact selector among combinations of `size` labels, all containing label `required` when given. */
function search(labels: readonly [string, string][], peers: readonly WorkloadIdentity[], required: number | undefined): [string, string][] | undefined {
  let tried = 0;
  for (let size = 1; size <= labels.length; size++) {
    for (const combo of combinations(labels.length, size)) {
      if (++tried > MAX_COMBINATIONS) return undefined;
      if (required !== undefined && !combo.includes(required)) continue;
      const chosen = combo.map((i) => labels[i]).filter((l) => l !== undefined);
      if (!peers.some((p) => selects(chosen, p))) return chosen;
    }
  }
  return undefined;
}

function selectorFor(w: WorkloadIdentity, peers: readonly WorkloadIdentity[]): WorkloadSelector {
  const labels = selectableLabels(w);
  // Keep the app's name label in the selector when there is one, so `version: v2` alone never
  // stands for reviews-v2 (it would also select a ratings-v2 deployed later).
  const nameLabel = NAME_KEYS.has(labels[0]?.[0] ?? "") ? 0 : undefined;
  const chosen = search(labels, peers, nameLabel) ?? (nameLabel === undefined ? undefined : search(labels, peers, undefined));
  if (chosen !== undefined) return { matchLabels: Object.fromEntries(chosen), exact: true, alsoSelects: [] };
  const alsoSelects = peers.filter((p) => selects(labels, p)).map((p) => p.key).sort();
  return { matchLabels: Object.fromEntries(labels), exact: alsoSelects.length === 0, alsoSelects };
}

/**
 * Chooses, for every observed workload, the smallest set of stable labels (preferring
 * app.kubernetes.io/name, app, k8s-app, ...) that selects it and no other observed
 * workload of its namespace. Churn labels never appear (identities carry none); labels
 * Cilium leaves out of identities are never used. A workload whose labels cannot tell it
 * apart gets all its selectable labels and `exact: false`.
 */
export function chooseWorkloadSelectors(identities: readonly Identity[]): ReadonlyMap<string, WorkloadSelector> {
  const byNamespace = new Map<string, WorkloadIdentity[]>();
  for (const identity of identities) {
    if (identity.kind !== "workload") continue;
    const list = byNamespace.get(identity.namespace) ?? [];
    if (!list.some((w) => w.key === identity.key)) list.push(identity);
    byNamespace.set(identity.namespace, list);
  }
  const out = new Map<string, WorkloadSelector>();
  for (const list of byNamespace.values()) {
    for (const w of list) out.set(w.key, selectorFor(w, list.filter((p) => p.key !== w.key)));
  }
  return out;
}
