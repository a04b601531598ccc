/**
 * Policies as 1.15+ agents name them in `egress_allowed_by` / `ingress_allowed_by`: the
 * rule's derived-from, name, namespace and uid labels, the policy repository revision
 * (a uint64, hence a string) and, from 1.17, the kind.
 */
import type { PolicyJson } from "./wire.js";

/** Kinds a namespaced policy reference can carry. */
export type PolicyKind = "CiliumNetworkPolicy" | "NetworkPolicy";

/** A namespaced policy as the agent knows it. */
export interface PolicyRefSpec {
  readonly kind: PolicyKind;
  readonly namespace: string;
  readonly name: string;
  /** The policy object's metadata.uid. */
  readonly uid: string;
  /** The agent's policy repository revision (per node). */
  readonly revision: number;
}

/** A reference to the namespaced policy `namespace/name`. */
export function policyRef({ kind, namespace, name, uid, revision }: PolicyRefSpec): PolicyJson {
  return {
    name,
    namespace,
    labels: [
      `k8s:io.cilium.k8s.policy.derived-from=${kind}`,
      `k8s:io.cilium.k8s.policy.name=${name}`,
      `k8s:io.cilium.k8s.policy.namespace=${namespace}`,
      `k8s:io.cilium.k8s.policy.uid=${uid}`,
    ],
    revision: String(revision),
    kind,
  };
}
