import type { Identity } from "../flows/index.js";
import type { PolicyEndpoint } from "../policy/index.js";
import { formatPolicyId } from "../policy/index.js";
import type { PolicyView } from "./policy-view.js";

const PROBE: PolicyEndpoint = { labels: ["reserved:world"], ip: "198.18.0.1" };

/**
 * Policies (per direction, as `netpol/ns/name|ingress`) that put at least one existing
 * endpoint into default deny: the workloads observed in the graph and the Pod objects the
 * model holds. Found through the evaluator, which names the isolating policies of a
 * subject whatever the peer; sections without default deny (Cilium `enableDefaultDeny:
 * false`) cannot be seen this way and are left to rule usage.
 */
export function isolatingPolicies(view: PolicyView, identities: readonly Identity[]): ReadonlySet<string> {
  const out = new Set<string>();
  const visit = (ep: PolicyEndpoint): void => {
    const egress = view.evaluator.evaluate({ source: ep, destination: PROBE, protocol: "TCP", port: 1 }).egress;
    for (const p of egress.isolatedBy) out.add(`${formatPolicyId(p)}|egress`);
    const ingress = view.evaluator.evaluate({ source: PROBE, destination: ep, protocol: "TCP", port: 1 }).ingress;
    for (const p of ingress.isolatedBy) out.add(`${formatPolicyId(p)}|ingress`);
  };
  for (const identity of identities) if (identity.kind === "workload") visit(view.endpoint(identity));
  for (const pod of view.model.podsByName.values()) {
    if (!pod.hostNetwork) visit({ labels: [], namespace: pod.namespace, podName: pod.name });
  }
  return out;
}
