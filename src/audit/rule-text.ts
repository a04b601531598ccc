import type { PolicyId, RuleRef } from "../policy/index.js";
import { formatPolicyId } from "../policy/index.js";

/** Where a piece of policy lives, as findings show it. */
export interface RuleLocation {
  /** `netpol/ns/name`, `cnp/ns/name` or `ccnp/name`. */
  readonly policy: string;
  /** The policy's namespace; "" for cluster-wide policies. */
  readonly namespace: string;
  readonly direction: "ingress" | "egress";
  /** Field path of the rule, peer or port, e.g. `spec.ingress[0].from[1]`. */
  readonly path: string;
}

/** The location of a rule reference. */
export function locationOf(policy: PolicyId, direction: "ingress" | "egress", path: string): RuleLocation {
  return { policy: formatPolicyId(policy), namespace: policy.namespace ?? "", direction, path };
}

/** `cnp/shop/api spec.ingress[0].fromEndpoints[1]`. */
export function ruleRefText(ref: RuleRef): string {
  return `${formatPolicyId(ref.policy)} ${ref.path}`;
}

/** One line: `cnp/shop/api spec.ingress[0]`. */
export function locationText(location: RuleLocation): string {
  return `${location.policy} ${location.path}`;
}
