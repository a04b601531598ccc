import type { FlowEndpoint } from "./flow.js";

// Cilium's numeric world identities (pkg/identity/numericidentity.go): world, and the
// dual-stack world-ipv4 / world-ipv6.
const WORLD_NUMBERS: ReadonlySet<number> = new Set([2, 9, 10]);

/** Whether an endpoint carries a world identity: a `reserved:world*` label, or only the number. */
export function isWorldLabelled(endpoint: FlowEndpoint): boolean {
  if (endpoint.labels.length === 0) return WORLD_NUMBERS.has(endpoint.identity);
  return endpoint.labels.some((l) => l.startsWith("reserved:world"));
}

/**
 * Whether an endpoint carries a managed (label-based) security identity: Kubernetes labels
 * and no reserved one. Policy selectors (`endpointSelector`, `podSelector`) can select only
 * such identities.
 */
export function isManaged(endpoint: FlowEndpoint): boolean {
  let labelled = false;
  for (const l of endpoint.labels) {
    if (l.startsWith("reserved:")) return false;
    if (l.startsWith("k8s:")) labelled = true;
  }
  return labelled;
}
