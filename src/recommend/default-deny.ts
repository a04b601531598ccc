import type { PlannedDirection } from "./plan.js";
import type { Principal } from "./principal.js";
import { describePrincipal } from "./principal.js";
import type { DefaultDenyChoice, RecommendWarning, Refusal } from "./types.js";

/** Namespaces left alone unless named: Kubernetes' own and Cilium's. */
export function isSystemNamespace(namespace: string): boolean {
  return namespace === "kube-system" || namespace.startsWith("kube-") || namespace.startsWith("cilium");
}

/** Which namespaces get policies, from the options. */
export interface NamespaceScope {
  /** Namespaces asked for by name; empty: every observed one not excluded. */
  readonly named: ReadonlySet<string>;
  readonly excluded: ReadonlySet<string>;
  readonly defaultDeny: DefaultDenyChoice;
}

/** Whether a namespace's workloads get policies: named, or not excluded when nothing is named. */
export function inScope(scope: NamespaceScope, namespace: string): boolean {
  if (scope.named.size > 0) return scope.named.has(namespace);
  return !scope.excluded.has(namespace) && !isSystemNamespace(namespace);
}

/**
 * The left-out refusals by the cluster and namespace (`<cluster>\0<namespace>`) of the
 * observed principals they name, each in refusal order and once per namespace: an index,
 * so a namespace finds its refusals without scanning every refusal against every principal.
 */
function leftOutByNamespace(observed: readonly Principal[], leftOut: readonly Refusal[]): ReadonlyMap<string, readonly Refusal[]> {
  const placesOf = new Map<string, Set<string>>();
  for (const p of observed) placesOf.set(p.key, (placesOf.get(p.key) ?? new Set()).add(`${p.cluster}\u0000${p.namespace}`));
  const out = new Map<string, Refusal[]>();
  for (const r of leftOut) {
    for (const place of placesOf.get(r.subject) ?? []) {
      const list = out.get(place);
      if (list === undefined) out.set(place, [r]);
      else list.push(r);
    }
  }
  return out;
}

/**
 * The namespaces that get a namespace-wide default-deny: the ones named (`named`), every
 * observed namespace in scope (`all`), or none. A default-deny isolates every pod of its
 * namespace, including those nobody asked about, so it is never written unasked, and never
 * where a workload's own policy was left out (it would cut that workload off).
 */
export function defaultDenyNamespaces(scope: NamespaceScope, observed: readonly Principal[], refusals: readonly Refusal[], kind: Refusal["kind"]): { namespaces: readonly { namespace: string; cluster: string }[]; refusals: readonly Refusal[] } {
  if (scope.defaultDeny === "none") return { namespaces: [], refusals: [] };
  const candidates = new Map<string, { namespace: string; cluster: string }>();
  for (const p of observed) {
    const wanted = scope.defaultDeny === "all" ? inScope(scope, p.namespace) : scope.named.has(p.namespace);
    if (wanted) candidates.set(`${p.cluster}\u0000${p.namespace}`, { namespace: p.namespace, cluster: p.cluster });
  }
  const cutIn = leftOutByNamespace(observed, refusals.filter((r) => r.kind === kind && r.outcome === "left-out"));
  const out: { namespace: string; cluster: string }[] = [];
  const refused: Refusal[] = [];
  for (const c of [...candidates.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace))) {
    const cut = cutIn.get(`${c.cluster}\u0000${c.namespace}`) ?? [];
    if (cut.length > 0) {
      refused.push({ kind, subject: c.namespace, outcome: "left-out", reason: `default-deny in ${c.namespace} left out: it would cut off ${cut.map((r) => r.subject).join(", ")}, whose own policy could not be written` });
      continue;
    }
    out.push(c);
  }
  return { namespaces: out, refusals: refused };
}

/**
 * What each default-deny isolates that no allow policy of the set covers: workloads of the
 * namespace with no rule in a direction (nothing observed reached them, or left them).
 */
export function isolatedWithoutAllow(namespaces: readonly { namespace: string; cluster: string }[], observed: readonly Principal[], planned: readonly PlannedDirection[]): RecommendWarning[] {
  // Indexes: the principals of each cluster and namespace (in observed order), and which
  // subject and direction have a rule, so no namespace scans every principal or the plan.
  const members = new Map<string, Principal[]>();
  for (const o of observed) {
    const place = `${o.cluster}\u0000${o.namespace}`;
    const list = members.get(place);
    if (list === undefined) members.set(place, [o]);
    else list.push(o);
  }
  const allowed = new Set<string>();
  for (const pd of planned) if (pd.rules.length > 0) allowed.add(`${pd.subject.key}\u0000${pd.direction}`);
  const out: RecommendWarning[] = [];
  for (const { namespace, cluster } of namespaces) {
    for (const p of members.get(`${cluster}\u0000${namespace}`) ?? []) {
      const bare = (["ingress", "egress"] as const).filter((direction) => !allowed.has(`${p.key}\u0000${direction}`));
      if (bare.length === 0) continue;
      out.push({
        kind: "isolated-without-allow",
        policy: `${namespace}/default-deny`,
        message: `isolates ${describePrincipal(p)} with no allow rule for its ${bare.join(" or ")}: nothing of that kind was observed in the window`,
      });
    }
  }
  return out;
}
