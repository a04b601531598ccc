import type { SourceOrigin } from "../source-document.js";

/** The policy kinds the model understands. */
export type PolicyKind = "NetworkPolicy" | "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy";

/** Which policy object a rule came from. */
export interface PolicyId {
  readonly kind: PolicyKind;
  /** `undefined` for the cluster-scoped CiliumClusterwideNetworkPolicy. */
  readonly namespace?: string;
  readonly name: string;
}

/** Traffic direction, from the point of view of the selected (subject) endpoint. */
export type Direction = "ingress" | "egress";

/** L4 protocols a NetworkPolicy port may name (default TCP). */
export type NetworkPolicyProtocol = "TCP" | "UDP" | "SCTP";

/** `ns/name` for namespaced policies, `name` for cluster-wide ones, prefixed by kind. */
export function formatPolicyId(id: PolicyId): string {
  const short =
    id.kind === "NetworkPolicy"
      ? "netpol"
      : id.kind === "CiliumNetworkPolicy"
        ? "cnp"
        : "ccnp";
  return id.namespace === undefined ? `${short}/${id.name}` : `${short}/${id.namespace}/${id.name}`;
}

/** Fields every parsed object keeps: identity and origin (for problems and explanations). */
export interface ParsedObjectBase {
  readonly origin: SourceOrigin;
}
