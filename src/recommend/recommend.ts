import { quoted } from "../flows/index.js";
import type { ObservedGraph } from "../graph/index.js";
import { defaultDenyNamespaces, inScope, isolatedWithoutAllow, isSystemNamespace } from "./default-deny.js";
import type { NamespaceScope } from "./default-deny.js";
import { planRules } from "./plan.js";
import type { PlanNote, PlannedDirection } from "./plan.js";
import { addDnsCompanions, dnsServerKeys } from "./plan-dns.js";
import { indexPrincipals } from "./principal.js";
import type { PrincipalIndex } from "./principal.js";
import { ciliumDefaultDeny, renderCiliumPolicies } from "./render-cilium-policy.js";
import { policyBaseNames, policyName, policyRef } from "./render-common.js";
import type { RenderInput, RenderedSet } from "./render-common.js";
import { networkPolicyDefaultDeny, renderNetworkPolicies } from "./render-network-policy.js";
import { checkNetworkPolicySchema } from "./schema-check.js";
import { SelectorBook } from "./selectors.js";
import { observedTraffic } from "./traffic.js";
import type { ExcludedTraffic } from "./traffic.js";
import type { RecommendOptions, RecommendResult, RecommendWarning, RecommendedPolicy, Refusal, ValidationReport } from "./types.js";
import { replayRecommended } from "./validate.js";

const KINDS = {
  networkpolicy: ["NetworkPolicy"],
  cilium: ["CiliumNetworkPolicy"],
  both: ["NetworkPolicy", "CiliumNetworkPolicy"],
} as const;

/** Default of {@link RecommendOptions.publicIngressThreshold}. */
export const PUBLIC_INGRESS_THRESHOLD = 16;

function noteWarnings(notes: readonly PlanNote[], planned: readonly PlannedDirection[]): RecommendWarning[] {
  const names = policyBaseNames(planned);
  const multi = planned.some((pd) => pd.subject.key.includes("@"));
  return notes.map((n) => ({ kind: n.kind, policy: policyRef(n.subject.namespace, policyName(`${names.get(n.subject.key) ?? n.subject.workload.name}-${n.direction}`, n.subject.cluster, multi)), message: n.message }));
}

function excludedWarnings(excluded: readonly ExcludedTraffic[]): RecommendWarning[] {
  const out: RecommendWarning[] = [];
  for (const reason of ["audit", "dropped"] as const) {
    const list = excluded.filter((x) => x.reason === reason);
    if (list.length === 0) continue;
    const flows = list.reduce((n, x) => n + x.flows, 0);
    const named = list.slice(0, 5).map((x) => `${x.edge.source} -> ${x.edge.destination} ${x.edge.protocol}/${x.edge.port}`).join(", ");
    const why = reason === "audit"
      ? "had only AUDIT verdicts (a policy in audit mode would deny them); --include-audit allows them"
      : "was only dropped; --include-drops allows it";
    out.push({ kind: "excluded-traffic", message: `${list.length} edges (${flows} forwarded flows) left out: their traffic ${why}: ${named}${list.length > 5 ? ", ..." : ""}` });
  }
  return out;
}

function unknownWarning(graph: ObservedGraph): RecommendWarning[] {
  const edges = graph.edges.filter((e) => (e.unknown ?? 0) > 0);
  if (edges.length === 0) return [];
  const records = edges.reduce((n, e) => n + (e.unknown ?? 0), 0);
  const named = edges.slice(0, 5).map((e) => `${e.source} -> ${e.destination} ${e.protocol}/${e.port}`).join(", ");
  return [{
    kind: "unknown-direction",
    message: `${records} records on ${edges.length} edges carry no direction that any other record settles (request or reply?): not allowed; check them with \`hubble-auditor graph\`: ${named}${edges.length > 5 ? ", ..." : ""}`,
  }];
}

function skippedWarnings(index: PrincipalIndex, scope: NamespaceScope): RecommendWarning[] {
  const skipped = [...new Set(index.all.map((p) => p.namespace).filter((ns) => !inScope(scope, ns)))].sort();
  if (scope.named.size > 0 || skipped.length === 0) return [];
  return skipped.map((ns) => ({
    kind: "skipped-namespace" as const,
    message: `${ns}: no policies written (${isSystemNamespace(ns) ? "a system namespace" : "excluded"}); name it with --namespace to include it`,
  }));
}

function invalidNameWarnings(graph: ObservedGraph): RecommendWarning[] {
  return (graph.skipped ?? []).map((s) => ({
    kind: "invalid-name" as const,
    message: `${quoted(s.key)}: left out with its ${s.edges} edges, no policies written for it: ${s.problem}`,
  }));
}

/**
 * Least-privilege policies for the traffic of a window, validated before they are
 * returned: NetworkPolicies must pass the Kubernetes schema, every set must round-trip
 * through the policy parser with zero problems, and replaying every forwarded flow of the
 * window through it must deny nothing but what the warnings and refusals announce. A set
 * that fails is a bug: the result is then a failure with the reasons, never policies.
 * Workloads that cannot be selected on their own, and traffic a kind cannot express, are
 * listed as refusals (the caller decides whether a partial set is acceptable).
 */
export function recommendPolicies(graph: ObservedGraph, options: RecommendOptions): RecommendResult {
  const semantics = options.semantics ?? "cilium";
  const { traffic, excluded } = observedTraffic(graph, { includeDrops: options.includeDrops, includeAudit: options.includeAudit });
  const index = indexPrincipals(graph);
  const scope: NamespaceScope = {
    named: new Set(options.namespaces ?? []),
    excluded: new Set(options.excludeNamespaces ?? []),
    defaultDeny: options.defaultDeny ?? "named",
  };
  const plan = planRules(traffic, index, { inScope: (p) => inScope(scope, p.namespace), publicIngressThreshold: options.publicIngressThreshold ?? PUBLIC_INGRESS_THRESHOLD });
  const planned = addDnsCompanions(plan.planned);
  const namespaceLabels = new Map(index.all.map((p) => [p.namespace, p.workload.namespaceLabels]));
  const serving = dnsServerKeys(planned);
  const input: RenderInput = {
    planned,
    selectors: new SelectorBook(index),
    portRanges: options.portRanges ?? false,
    worldPrefix: options.worldPrefix ?? 32,
    apiServerAddresses: options.apiServerAddresses ?? [],
    l7: options.l7 ?? false,
    dnsNames: options.dnsNames ?? "pattern",
    semantics,
    dnsServers: new Set(index.all.filter((p) => serving.has(p.key)).map((p) => p.key)),
    namespaceLabels,
    multiCluster: index.multiCluster,
  };
  const policies: RecommendedPolicy[] = [];
  const warnings: RecommendWarning[] = [...noteWarnings(plan.notes, planned), ...excludedWarnings(excluded), ...unknownWarning(graph), ...skippedWarnings(index, scope), ...invalidNameWarnings(graph)];
  const refusals: Refusal[] = [];
  const validation: Partial<Record<"NetworkPolicy" | "CiliumNetworkPolicy", ValidationReport>> = {};
  const inScopePrincipals = index.all.filter((p) => inScope(scope, p.namespace));
  for (const kind of KINDS[options.kind]) {
    const rendered: RenderedSet = kind === "NetworkPolicy" ? renderNetworkPolicies(input) : renderCiliumPolicies(input);
    const deny = defaultDenyNamespaces(scope, inScopePrincipals, rendered.refusals, kind);
    const denies = deny.namespaces.map((n) => (kind === "NetworkPolicy" ? networkPolicyDefaultDeny(n.namespace, n.cluster, index.multiCluster) : ciliumDefaultDeny(n.namespace, n.cluster, index.multiCluster)));
    const set = [...denies, ...rendered.policies];
    const schema = checkNetworkPolicySchema(set);
    if (schema.length > 0) return { ok: false, failure: { kind: "invalid-output", messages: schema } };
    const replay = replayRecommended({ graph, policies: set, traffic, excluded, expected: rendered.expected, namespaces: options.namespaces, semantics });
    if (!replay.ok) {
      const invalid = replay.messages.some((m) => m.startsWith("generated policy"));
      return { ok: false, failure: { kind: invalid ? "invalid-output" : "replay-drops", messages: replay.messages } };
    }
    policies.push(...set);
    warnings.push(...rendered.warnings, ...isolatedWithoutAllow(deny.namespaces, inScopePrincipals, planned));
    refusals.push(...rendered.refusals, ...deny.refusals);
    validation[kind] = replay.report;
  }
  return { ok: true, recommendation: { window: graph.window, policies, warnings, refusals, validation, traffic: traffic.length, clusters: index.clusters } };
}
