import type { ParsedPolicies } from "../parse/parse-documents.js";
import type { NamespaceSpec, PodSpec } from "../spec/inventory.js";
import { compileCiliumPolicy } from "./compile-cilium-policy.js";
import { compileNetworkPolicy } from "./compile-network-policy.js";
import type { PolicyModel, PolicySection } from "./model.js";
import { SelectorFactory } from "./selector.js";

/** What compilation needs: parsed policies, plus Namespace and Pod objects when known. */
export type CompileInput = Pick<ParsedPolicies, "networkPolicies" | "ciliumPolicies"> &
  Partial<Pick<ParsedPolicies, "namespaces" | "pods">>;

/**
 * Compiles parsed policies into an immutable model indexed by namespace: namespaced
 * policies can only select endpoints in their own namespace, so an endpoint is checked
 * against its namespace's sections plus the cluster-wide ones.
 */
export function compilePolicyModel(input: CompileInput): PolicyModel {
  const selectors = new SelectorFactory();
  const sections: PolicySection[] = [];
  for (const np of input.networkPolicies) sections.push(...compileNetworkPolicy(np, selectors));
  for (const cp of input.ciliumPolicies) sections.push(...compileCiliumPolicy(cp, selectors));
  const byNamespace = new Map<string, PolicySection[]>();
  const clusterwide: PolicySection[] = [];
  const hostPolicies: PolicySection[] = [];
  for (const s of sections) {
    if (s.subject === undefined) hostPolicies.push(s);
    else if (s.namespace === undefined) clusterwide.push(s);
    else {
      const list = byNamespace.get(s.namespace);
      if (list === undefined) byNamespace.set(s.namespace, [s]);
      else list.push(s);
    }
  }
  const namespaces = new Map<string, NamespaceSpec>((input.namespaces ?? []).map((n) => [n.name, n]));
  const podsByName = new Map<string, PodSpec>();
  const podsByIp = new Map<string, PodSpec>();
  for (const pod of input.pods ?? []) {
    podsByName.set(`${pod.namespace}/${pod.name}`, pod);
    if (!pod.hostNetwork) for (const ip of pod.ips) podsByIp.set(ip, pod);
  }
  return Object.freeze({
    sections: Object.freeze(sections),
    byNamespace,
    clusterwide: Object.freeze(clusterwide),
    hostPolicies: Object.freeze(hostPolicies),
    policies: [...input.networkPolicies.map((p) => p.id), ...input.ciliumPolicies.map((p) => p.id)],
    namespaces,
    podsByName,
    podsByIp,
    selectorCount: selectors.count,
  });
}
