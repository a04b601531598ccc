import type { Cidr } from "../cidr.js";
import type { LabelSelectorSpec } from "./label-selector.js";
import type { Direction, NetworkPolicyProtocol, ParsedObjectBase, PolicyId } from "./policy-id.js";

/** A validated `networking.k8s.io/v1` NetworkPolicy. */
export interface NetworkPolicySpec extends ParsedObjectBase {
  readonly id: PolicyId & { readonly kind: "NetworkPolicy"; readonly namespace: string };
  readonly podSelector: LabelSelectorSpec;
  /**
   * Effective `policyTypes` after API defaulting: Ingress always, Egress when the policy
   * has at least one egress rule (networking/v1 NetworkPolicySpec.policyTypes).
   */
  readonly policyTypes: readonly Direction[];
  /** Whether `policyTypes` was written (true) or defaulted (false). */
  readonly policyTypesExplicit: boolean;
  readonly ingress: readonly NetworkPolicyRuleSpec[];
  readonly egress: readonly NetworkPolicyRuleSpec[];
}

/** One ingress or egress rule. */
export interface NetworkPolicyRuleSpec {
  /** Position in the policy's `ingress`/`egress` list (rules that failed to parse are absent). */
  readonly index: number;
  /** `from`/`to` peers; `undefined` when the field is absent. Absent and empty both mean "all peers". */
  readonly peers: readonly NetworkPolicyPeerSpec[] | undefined;
  /** `ports`; `undefined` when absent. Absent and empty both mean "all ports". */
  readonly ports: readonly NetworkPolicyPortSpec[] | undefined;
}

/** A peer: pod/namespace selectors (ANDed when both are set) or an ipBlock. */
export type NetworkPolicyPeerSpec =
  | {
      readonly kind: "selector";
      /** `undefined` when absent: with a namespaceSelector, all pods in the selected namespaces. */
      readonly podSelector: LabelSelectorSpec | undefined;
      /** `undefined` when absent: only pods in the policy's own namespace. */
      readonly namespaceSelector: LabelSelectorSpec | undefined;
    }
  | { readonly kind: "ipBlock"; readonly cidr: Cidr; readonly except: readonly Cidr[] };

/** A port entry; `port` undefined means all ports of the protocol. */
export interface NetworkPolicyPortSpec {
  readonly protocol: NetworkPolicyProtocol;
  /** Number, or a named container port; `undefined` = every port. */
  readonly port: number | string | undefined;
  /** Inclusive upper bound of a numeric range; `undefined` for a single port. */
  readonly endPort: number | undefined;
}
