import type { ParsedPolicies } from "./parse-documents.js";

/**
 * A policy set with the Namespace and Pod objects of `inventory` that it does not name itself
 * (its own win): so that two policy sets compared, or a proposal checked against the
 * cluster, resolve namespace labels and named ports against the same objects.
 */
export function withInventory(policies: ParsedPolicies, inventory: Pick<ParsedPolicies, "namespaces" | "pods">): ParsedPolicies {
  const namespaces = new Set(policies.namespaces.map((n) => n.name));
  const pods = new Set(policies.pods.map((p) => `${p.namespace}/${p.name}`));
  return {
    ...policies,
    namespaces: [...policies.namespaces, ...inventory.namespaces.filter((n) => !namespaces.has(n.name))],
    pods: [...policies.pods, ...inventory.pods.filter((p) => !pods.has(`${p.namespace}/${p.name}`))],
  };
}
