export type {
  DnsRecord,
  EventType,
  Flow,
  FlowEndpoint,
  FlowType,
  HttpRecord,
  IpInfo,
  L7FlowType,
  Layer4,
  Layer7,
  PolicyRef,
  ServiceRef,
  TcpFlags,
  Timestamp,
  TrafficDirection,
  Verdict,
  Workload,
} from "./flow.js";
export { EVENT_TYPE, formatTimestamp, toMillis } from "./flow.js";
export { FlowDeduper } from "./flow-deduper.js";
export type { FlowDeduperOptions } from "./flow-deduper.js";
export { flowKey } from "./flow-key.js";
export type { Connection, ConnectionKind, ConnectionL7, ConnectionProtocol, SideVerdict, VerdictSource } from "./connection.js";
export { ConnectionTracker } from "./connection-tracker.js";
export { portOf } from "./connection-parts.js";
export { hasQuery, pathOf, pathWithQuery } from "./http-target.js";
export { FlowReorderBuffer } from "./flow-reorder.js";
export type { FlowReorderOptions } from "./flow-reorder.js";
export type { ConnectionTrackerOptions, HeldChanges, HeldTupleEntry, TrackerReplay, TrackerStats } from "./connection-tracker.js";
export { flowRole } from "./flow-role.js";
export { isPolicyDrop } from "./policy-drop.js";
export { reportedDirection } from "./flow-direction.js";
export type { FlowDirection } from "./flow-direction.js";
export { FlowSettler } from "./flow-settler.js";
export type { FlowSettlerOptions, SettledBy, SettledFlow, SettlerStats } from "./flow-settler.js";
export { FLOW_COUNT_BUCKET_MS, FlowTally, endpointVariant, sameVariant, tallyClassOf } from "./flow-tally.js";
export type { EndpointVariant, FlowCount, TallyClass } from "./flow-tally.js";
export { fiveTuple } from "./five-tuple.js";
export { isManaged, isWorldLabelled } from "./endpoint-kind.js";
export type { FlowRole, SkipReason } from "./flow-role.js";
export { describeIdentity } from "./identity.js";
export type { Identity, ReservedEntity, ReservedIdentity, WorkloadIdentity } from "./identity.js";
export { IdentityResolver, POD_LESS_KIND } from "./identity-resolver.js";
export type { IdentityResolverOptions, IdentityResolverStats } from "./identity-resolver.js";
export { CLUSTER_LABEL, NAMESPACE_LABEL_PREFIX, POD_NAMESPACE_LABEL, SERVICE_ACCOUNT_LABEL, isChurnLabel, parseCiliumLabel, sortLabels } from "./labels.js";
export type { CiliumLabel, SortedLabels } from "./labels.js";
export { ownerOf } from "./workload-owner.js";
export type { OwnerHints, WorkloadOwner } from "./workload-owner.js";
export { displayText } from "./display-text.js";
export { flowProblem } from "./flow-check.js";
export type { FlowProblem } from "./flow-check.js";
export { identityProblem } from "./identity-check.js";
export { ciliumLabelProblem, clusterNameProblem } from "./label-check.js";
export {
  dns1123LabelProblem, dns1123SubdomainProblem, isDns1123Label, isDns1123Subdomain, kindProblem, labelKeyProblem, labelValueProblem, quoted,
} from "./k8s-names.js";
