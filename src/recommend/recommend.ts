import type { ObservedGraph } from "../graph/index.js";
import { planRules } from "./plan.js";
import type { RenderInput, RenderedSet } from "./render-common.js";
import { renderCiliumPolicies } from "./render-cilium-policy.js";
import { renderNetworkPolicies } from "./render-network-policy.js";
import { checkNetworkPolicySchema } from "./schema-check.js";
import { observedTraffic } from "./traffic.js";
import type { RecommendOptions, RecommendResult, RecommendWarning, RecommendedPolicy, ValidationReport } from "./types.js";
import { replayRecommended } from "./validate.js";
import { chooseWorkloadSelectors } from "./workload-selector.js";

const KINDS = {
  networkpolicy: ["NetworkPolicy"],
  cilium: ["CiliumNetworkPolicy"],
  both: ["NetworkPolicy", "CiliumNetworkPolicy"],
} as const;

function selectorWarnings(input: RenderInput): RecommendWarning[] {
  const out: RecommendWarning[] = [];
  const seen = new Set<string>();
  for (const pd of input.planned) {
    const keys = [pd.subject.key, ...pd.rules.flatMap((r) => (r.peer.kind === "workload" ? [r.peer.identity.key] : []))];
    for (const key of keys) {
      const s = input.selectors.get(key);
      if (s === undefined || s.exact || seen.has(key)) continue;
      seen.add(key);
      const also = s.alsoSelects.length > 0 ? `; it also selects ${s.alsoSelects.join(", ")}` : "";
      out.push({ kind: "selector-not-exact", message: `no stable labels select ${key} alone${also}` });
    }
  }
  return out;
}

/**
 * Least-privilege policies for the traffic of a window, validated before they are
 * returned: NetworkPolicies must pass the Kubernetes schema, every set must round-trip
 * through the policy parser with zero problems, and replaying the window through it must
 * drop nothing but what the warnings announce. A set that fails is a bug: the result is
 * then a failure with the reasons, never policies.
 */
export function recommendPolicies(graph: ObservedGraph, options: RecommendOptions): RecommendResult {
  const semantics = options.semantics ?? "cilium";
  const traffic = observedTraffic(graph, { includeDrops: options.includeDrops });
  const planned = planRules(traffic, options.namespace);
  const input: RenderInput = {
    planned,
    selectors: chooseWorkloadSelectors(graph.identities.map((o) => o.identity)),
    // Every namespace with an observed workload is isolated, also those whose traffic was
    // all dropped: what nobody used stays denied.
    namespaces: [...new Set(graph.identities.flatMap((o) => (o.identity.kind === "workload" ? [o.identity.namespace] : [])))]
      .filter((ns) => options.namespace === undefined || ns === options.namespace)
      .sort(),
    portRanges: options.portRanges ?? false,
    worldPrefix: options.worldPrefix ?? 32,
    apiServerAddresses: options.apiServerAddresses ?? [],
    l7: options.l7 ?? false,
    semantics,
  };
  const policies: RecommendedPolicy[] = [];
  const warnings: RecommendWarning[] = selectorWarnings(input);
  const validation: Partial<Record<"NetworkPolicy" | "CiliumNetworkPolicy", ValidationReport>> = {};
  for (const kind of KINDS[options.kind]) {
    const rendered: RenderedSet = kind === "NetworkPolicy" ? renderNetworkPolicies(input) : renderCiliumPolicies(input);
    const schema = checkNetworkPolicySchema(rendered.policies);
    if (schema.length > 0) return { ok: false, failure: { kind: "invalid-output", messages: schema } };
    const replay = replayRecommended({ graph, policies: rendered.policies, traffic, expected: rendered.expected, namespace: options.namespace, semantics, l7: input.l7 });
    if (!replay.ok) {
      const invalid = replay.messages.some((m) => m.startsWith("generated policy"));
      return { ok: false, failure: { kind: invalid ? "invalid-output" : "replay-drops", messages: replay.messages } };
    }
    policies.push(...rendered.policies);
    warnings.push(...rendered.warnings);
    validation[kind] = replay.report;
  }
  return { ok: true, recommendation: { policies, warnings, validation, traffic: traffic.length } };
}
