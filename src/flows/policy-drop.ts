// Drop codes that Cilium's policy engine produces (flow.proto DropReason): a policy drop
// always hits the first packet of a connection, because conntrack lets replies of allowed
// connections through without a policy lookup.
const POLICY_DROPS: ReadonlySet<string> = new Set([
  "POLICY_DENIED",
  "POLICY_DENY",
  "AUTH_REQUIRED",
  "NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION",
  "DENIED_BY_LB_SRC_RANGE_CHECK",
  "DROP_EP_NOT_READY",
]);

/** True for drop reasons produced by policy enforcement rather than by the datapath. */
export function isPolicyDrop(reason: string | undefined): boolean {
  return reason !== undefined && POLICY_DROPS.has(reason);
}
