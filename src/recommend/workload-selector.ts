import { isChurnLabel, parseCiliumLabel, SERVICE_ACCOUNT_LABEL } from "../flows/index.js";

/** A label selector as written into a policy: matchLabels plus exclusions. */
export interface SelectorSpec {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly SelectorExclusion[];
}

/** A `matchExpressions` entry that keeps a label set out. */
export type SelectorExclusion =
  | { readonly key: string; readonly operator: "DoesNotExist" }
  | { readonly key: string; readonly operator: "NotIn"; readonly values: readonly string[] };

/** How a selector was found, or why none could be. */
export type SelectorChoice =
  | { readonly ok: true; readonly selector: SelectorSpec; readonly via: "labels" | "service-account" | "expressions" }
  | { readonly ok: false; readonly reason: string };

/** Label sets a selector must not match, by who carries them (for messages). */
export interface OtherSets {
  readonly name: string;
  readonly sets: readonly (readonly string[])[];
}

/** What one selector choice needs. */
export interface SelectorRequest {
  /** The label sets (Cilium labels) the selector must match: every one of them. */
  readonly sets: readonly (readonly string[])[];
  /** Everything it must not match: other workloads, and a pod with no labels of its own. */
  readonly others: readonly OtherSets[];
  /** Whether the service-account label may be used (CiliumNetworkPolicy: yes; NetworkPolicy selects pod labels only). */
  readonly serviceAccount: boolean;
  /** Labels the selector must carry whatever else it holds (the cluster of a peer in a multi-cluster window). */
  readonly required?: Readonly<Record<string, string>>;
  /** How label sets are read; undefined: {@link k8sLabels} (callers making many choices pass a {@link memoK8sLabels}). */
  readonly labelsOf?: (set: readonly string[]) => ReadonlyMap<string, string>;
}

// The conventional "name of the app" labels first (Kubernetes recommended labels, then the
// older conventions), then labels that usually narrow an app down to one component.
const PREFERRED_KEYS: readonly string[] = [
  "app.kubernetes.io/name", "app", "k8s-app", "name",
  "app.kubernetes.io/component", "component", "app.kubernetes.io/instance", "tier", "role", "version",
];
const NAME_KEYS = new Set(PREFERRED_KEYS.slice(0, 4));

// Key prefixes never selected: Cilium's default identity-relevant label filter drops most of
// them (docs: operations/performance/scalability/identity-relevant-labels), Kubernetes
// manages the rest, and the io.cilium ones are Cilium's own bookkeeping (namespace labels,
// the pod's namespace). The service account and cluster labels are used on purpose only.
const UNSELECTABLE_PREFIXES: readonly string[] = [
  "io.kubernetes", "kubernetes.io", "k8s.io", "beta.kubernetes.io", "statefulset.kubernetes.io",
  "apps.kubernetes.io", "batch.kubernetes.io", "pod-template-", "controller-", "annotation", "etcd_node", "io.cilium.",
];
const MAX_COMBINATIONS = 2000;

/** The k8s-source labels of a Cilium label set, key → value. */
export function k8sLabels(set: readonly string[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const raw of set) {
    const l = parseCiliumLabel(raw);
    if (l.source === "k8s") out.set(l.key, l.value);
  }
  return out;
}

/**
 * {@link k8sLabels} remembered per label set (by the array itself, which is never changed):
 * every choice in a namespace reads the sets of all its other workloads, so one memo
 * shared by those choices parses each set once instead of once per choice.
 */
export function memoK8sLabels(): (set: readonly string[]) => ReadonlyMap<string, string> {
  const parsed = new Map<readonly string[], ReadonlyMap<string, string>>();
  return (set) => {
    let labels = parsed.get(set);
    if (labels === undefined) {
      labels = k8sLabels(set);
      parsed.set(set, labels);
    }
    return labels;
  };
}

function selectable(key: string): boolean {
  return !isChurnLabel(key) && !UNSELECTABLE_PREFIXES.some((p) => key.startsWith(p));
}

function rank(key: string): number {
  if (key === SERVICE_ACCOUNT_LABEL) return PREFERRED_KEYS.length + 1;
  const i = PREFERRED_KEYS.indexOf(key);
  return i < 0 ? PREFERRED_KEYS.length : i;
}

/** Whether a selector matches a label set, as Cilium matches k8s labels. */
export function selectorMatchesSet(selector: SelectorSpec, set: ReadonlyMap<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (set.get(k) !== v) return false;
  for (const e of selector.matchExpressions) {
    const value = set.get(e.key);
    if (e.operator === "DoesNotExist" ? value !== undefined : value !== undefined && e.values.includes(value)) return false;
  }
  return true;
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

/** Labels every one of `sets` carries with the same value, selectable ones only, most preferred first. */
function commonLabels(sets: readonly ReadonlyMap<string, string>[], serviceAccount: boolean): [string, string][] {
  const [first, ...rest] = sets;
  if (first === undefined) return [];
  return [...first.entries()]
    .filter(([k, v]) => (selectable(k) || (serviceAccount && k === SERVICE_ACCOUNT_LABEL)) && rest.every((s) => s.get(k) === v))
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

function matchesAny(selector: SelectorSpec, others: readonly ReadonlyMap<string, string>[]): boolean {
  return others.some((o) => selectorMatchesSet(selector, o));
}

/** The first combination of `labels` (containing `required` when given) that matches none of `others`. */
function search(labels: readonly [string, string][], base: Readonly<Record<string, string>>, others: readonly ReadonlyMap<string, string>[], required: number | undefined): SelectorSpec | undefined {
  let tried = 0;
  for (let size = 1; size <= labels.length; size++) {
    for (const combo of combinations(labels.length, size)) {
      if (++tried > MAX_COMBINATIONS) return undefined;
      if (required !== undefined && !combo.includes(required)) continue;
      const chosen = Object.fromEntries(combo.map((i) => labels[i]).filter((l) => l !== undefined));
      const selector = { matchLabels: { ...chosen, ...base }, matchExpressions: [] };
      if (!matchesAny(selector, others)) return selector;
    }
  }
  return undefined;
}

/**
 * Exclusions that keep every matched other label set out of `base`: `DoesNotExist` for a
 * key the others carry and none of the wanted sets does, `NotIn` for a value only others
 * carry. Greedy: the exclusion that keeps most of the remaining others out first.
 * Undefined when some other set cannot be told apart.
 */
function exclusions(base: SelectorSpec, wanted: readonly ReadonlyMap<string, string>[], others: readonly ReadonlyMap<string, string>[]): SelectorExclusion[] | undefined {
  let left = others.filter((o) => selectorMatchesSet(base, o));
  const out = new Map<string, SelectorExclusion>();
  while (left.length > 0) {
    const options = new Map<string, { exclusion: SelectorExclusion; keeps: number }>();
    for (const o of left) {
      for (const [k, w] of o) {
        if (!selectable(k)) continue;
        const values = wanted.map((s) => s.get(k));
        let exclusion: SelectorExclusion | undefined;
        if (values.every((v) => v === undefined)) exclusion = { key: k, operator: "DoesNotExist" };
        else if (!values.includes(w)) exclusion = { key: k, operator: "NotIn", values: [w] };
        if (exclusion === undefined) continue;
        const id = exclusion.operator === "DoesNotExist" ? `${k}\u0000` : `${k}\u0000${w}`;
        const known = options.get(id);
        options.set(id, { exclusion, keeps: (known?.keeps ?? 0) + 1 });
      }
    }
    const best = [...options.entries()].sort(([a, x], [b, y]) => y.keeps - x.keeps || a.localeCompare(b))[0];
    if (best === undefined) return undefined;
    const { exclusion } = best[1];
    const merged = out.get(exclusion.key);
    if (exclusion.operator === "NotIn" && merged?.operator === "NotIn") out.set(exclusion.key, { ...merged, values: [...merged.values, ...exclusion.values].sort() });
    else if (merged?.operator !== "DoesNotExist") out.set(exclusion.key, exclusion);
    const selector = { ...base, matchExpressions: [...out.values()] };
    left = left.filter((o) => selectorMatchesSet(selector, o));
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Chooses a selector that matches every label set of a workload and none of the others,
 * never an empty one. In order:
 * 1. the smallest set of stable labels (preferring app.kubernetes.io/name, app, k8s-app,
 *    name, and keeping the app's name label when it has one) that all its pods carry;
 * 2. with the service-account label added to the candidates (CiliumNetworkPolicy only:
 *    `io.cilium.k8s.policy.serviceaccount` is part of Cilium's security identity, while a
 *    NetworkPolicy podSelector selects pod labels);
 * 3. all those labels plus matchExpressions (DoesNotExist / NotIn) that keep the others
 *    out, e.g. a bare pod that copies an app's labels and adds one of its own;
 * 4. otherwise no selector: the caller refuses the workload, naming why.
 * A pod with no labels of its own (what a new pod of the namespace gets) is among the
 * others, so no selector made only of exclusions is ever chosen.
 */
export function chooseSelector(request: SelectorRequest): SelectorChoice {
  const labelsOf = request.labelsOf ?? k8sLabels;
  const wanted = request.sets.map((s) => labelsOf(s));
  const required = request.required ?? {};
  const others = request.others.flatMap((o) => o.sets.map((s) => labelsOf(s)));
  if (wanted.length === 0) return { ok: false, reason: "no label set was observed" };
  const attempt = (serviceAccount: boolean): SelectorSpec | undefined => {
    const labels = commonLabels(wanted, serviceAccount).filter(([k]) => !(k in required));
    const nameLabel = NAME_KEYS.has(labels[0]?.[0] ?? "") ? 0 : undefined;
    return search(labels, required, others, nameLabel) ?? (nameLabel === undefined ? undefined : search(labels, required, others, undefined));
  };
  const byLabels = attempt(false);
  if (byLabels !== undefined) return { ok: true, selector: byLabels, via: "labels" };
  if (request.serviceAccount) {
    const bySa = attempt(true);
    if (bySa !== undefined) return { ok: true, selector: bySa, via: "service-account" };
  }
  const all: SelectorSpec = { matchLabels: { ...Object.fromEntries(commonLabels(wanted, request.serviceAccount)), ...required }, matchExpressions: [] };
  const keepOut = exclusions(all, wanted, others);
  if (keepOut !== undefined && Object.keys(all.matchLabels).length + keepOut.length > 0) {
    return { ok: true, selector: { ...all, matchExpressions: keepOut }, via: "expressions" };
  }
  const alike = request.others.filter((o) => o.sets.some((s) => selectorMatchesSet(all, labelsOf(s)))).map((o) => o.name);
  const stable = Object.keys(all.matchLabels).filter((k) => !(k in required) && k !== SERVICE_ACCOUNT_LABEL);
  return {
    ok: false,
    reason: stable.length === 0
      ? `its pods carry no stable label${request.serviceAccount ? " or service account of their own" : ""} to select them by (only churn or Kubernetes-managed labels); give its pod template a label such as app: <name>`
      : `no label${request.serviceAccount ? ", service account" : ""} or exclusion tells it apart from ${alike.join(", ")}; give its pod template a label of its own`,
  };
}

/** The labels of a pod created in `namespace` with nothing of its own: what a selector must not match. */
export function newPodLabels(namespace: string, namespaceLabels: Readonly<Record<string, string>>, cluster: string): readonly string[] {
  return [
    `k8s:io.kubernetes.pod.namespace=${namespace}`,
    `k8s:${SERVICE_ACCOUNT_LABEL}=default`,
    ...Object.entries(namespaceLabels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
    ...(cluster === "" ? [] : [`k8s:io.cilium.k8s.policy.cluster=${cluster}`]),
  ];
}
