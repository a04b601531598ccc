import type { ConnectionKind, FlowType, Verdict } from "../flows/index.js";

/**
 * Fixed label values. Hubble reports enum values by name, or as a decimal string when the
 * value is newer than our protos; such values map to `other` so a label never takes more
 * values than listed here.
 */

/** Label value for anything outside a fixed set. */
export const OTHER = "other";

/** Namespace label value of policy subjects that are not in a namespace (host, remote-node, world). */
export const NO_NAMESPACE = "_reserved";

/** flow.proto `Verdict` names. */
export const VERDICTS: readonly Verdict[] = ["VERDICT_UNKNOWN", "FORWARDED", "DROPPED", "ERROR", "AUDIT", "REDIRECTED", "TRACED", "TRANSLATED"];

/** flow.proto `FlowType` names. */
export const FLOW_TYPES: readonly FlowType[] = ["UNKNOWN_TYPE", "L3_L4", "L7", "SOCK"];

/** Connection event kinds (see `Connection.kind`). */
export const CONNECTION_KINDS: readonly ConnectionKind[] = ["new", "existing", "request"];

/** flow.proto `LostEventSource` names. */
export const LOST_EVENT_SOURCES: readonly string[] = ["UNKNOWN_LOST_EVENT_SOURCE", "PERF_EVENT_RING_BUFFER", "OBSERVER_EVENTS_QUEUE", "HUBBLE_RING_BUFFER"];

/** relay.proto `NodeState` names. */
export const NODE_STATES: readonly string[] = ["UNKNOWN_NODE_STATE", "NODE_CONNECTED", "NODE_UNAVAILABLE", "NODE_GONE", "NODE_ERROR"];

/**
 * flow.proto `DropReason` names that policy enforcement produces; the same set as
 * `isPolicyDrop` in src/flows, listed here so every label value is known up front.
 */
export const POLICY_DROP_REASONS: readonly string[] = [
  "POLICY_DENIED",
  "POLICY_DENY",
  "AUTH_REQUIRED",
  "NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION",
  "DENIED_BY_LB_SRC_RANGE_CHECK",
  "DROP_EP_NOT_READY",
];

/** Policy directions. */
export const DIRECTIONS = ["ingress", "egress"] as const;

/** `value` when it is one of `known`, otherwise {@link OTHER}. */
export function knownOr(value: string, known: readonly string[]): string {
  return known.includes(value) ? value : OTHER;
}
