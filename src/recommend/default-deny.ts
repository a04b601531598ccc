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
  const leftOut = refusals.filter((r) => r.kind === kind && r.outcome === "left-out");
  const out: { namespace: string; cluster: string }[] = [];
  const refused: Refusal[] = [];
  for (const c of [...candidates.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace))) {
    const cut = leftOut.filter((r) => observed.some((p) => p.key === r.subject && p.namespace === c.namespace && p.cluster === c.cluster));
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
  const out: RecommendWarning[] = [];
  for (const { namespace, cluster } of namespaces) {
    for (const p of observed.filter((o) => o.namespace === namespace && o.cluster === cluster)) {
      const bare = (["ingress", "egress"] as const).filter((direction) => !planned.some((pd) => pd.subject.key === p.key && pd.direction === direction && pd.rules.length > 0));
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
