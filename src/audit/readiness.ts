import type { Identity } from "../flows/index.js";
import { isPolicyDrop } from "../flows/index.js";
import type { EdgeAssessment } from "./assess.js";
import { survivesDefaultDeny } from "./assess.js";
import { namespaceOf } from "./endpoints.js";
import type { Finding } from "./finding.js";
import type { PolicyView } from "./policy-view.js";
import { isUsed, useCount } from "./traffic.js";

/**
 * How ready a namespace is for default-deny. Connections count each used edge with an end
 * in the namespace (see `useCount`); one survives when every direction enforced in this
 * namespace (the egress of its sources, the ingress of its destinations) is allowed by a
 * rule today, and Hubble did not report it as AUDIT (denied in policy-audit mode).
 */
export interface NamespaceReadiness {
  readonly namespace: string;
  readonly workloads: number;
  /** Workloads some policy isolates, per direction. */
  readonly isolatedIngress: number;
  readonly isolatedEgress: number;
  readonly connections: number;
  readonly surviving: number;
  /** surviving / connections; `undefined` when nothing was observed. */
  readonly survivingShare: number | undefined;
  /** Connections and requests Hubble dropped for policy reasons on edges into or out of it. */
  readonly policyDropped: number;
  /** Findings by kind (only kinds with findings). */
  readonly findings: Readonly<Record<string, number>>;
}

const PROBE = { labels: ["reserved:world"], ip: "198.18.0.1" } as const;

/** Readiness of every namespace with an observed workload (or only `namespace`), sorted by name. */
export function readinessOf(
  assessments: readonly EdgeAssessment[],
  identities: readonly Identity[],
  findings: readonly Finding[],
  view: PolicyView,
): readonly NamespaceReadiness[] {
  const rows = new Map<string, { workloads: number; isolatedIngress: number; isolatedEgress: number; connections: number; surviving: number; policyDropped: number; findings: Record<string, number> }>();
  const row = (ns: string) => {
    let r = rows.get(ns);
    if (r === undefined) rows.set(ns, (r = { workloads: 0, isolatedIngress: 0, isolatedEgress: 0, connections: 0, surviving: 0, policyDropped: 0, findings: {} }));
    return r;
  };
  for (const identity of identities) {
    if (identity.kind !== "workload") continue;
    const r = row(identity.namespace);
    const ep = view.endpoint(identity);
    r.workloads++;
    if (view.evaluator.evaluate({ source: PROBE, destination: ep, protocol: "TCP", port: 1 }).ingress.isolatedBy.length > 0) r.isolatedIngress++;
    if (view.evaluator.evaluate({ source: ep, destination: PROBE, protocol: "TCP", port: 1 }).egress.isolatedBy.length > 0) r.isolatedEgress++;
  }
  for (const a of assessments) {
    const source = namespaceOf(a.source);
    const destination = namespaceOf(a.destination);
    for (const ns of new Set([source, destination])) {
      if (ns === "") continue;
      const r = row(ns);
      r.policyDropped += Object.entries(a.edge.dropReasons).filter(([reason]) => isPolicyDrop(reason)).reduce((n, [, c]) => n + c, 0);
      if (!isUsed(a.traffic)) continue;
      const count = useCount(a.traffic);
      r.connections += count;
      const egressOk = source !== ns || survivesDefaultDeny(a.egress);
      const ingressOk = destination !== ns || survivesDefaultDeny(a.ingress);
      if (egressOk && ingressOk) r.surviving += Math.max(0, count - a.traffic.audited);
    }
  }
  for (const f of findings) {
    if (f.namespace === "") continue;
    const r = row(f.namespace);
    r.findings[f.kind] = (r.findings[f.kind] ?? 0) + 1;
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, r]) => ({
      namespace, ...r, survivingShare: r.connections === 0 ? undefined : r.surviving / r.connections,
      findings: Object.fromEntries(Object.entries(r.findings).sort(([a], [b]) => a.localeCompare(b))),
    }));
}
