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
export { ConnectionTracker, pathOf } from "./connection-tracker.js";
export type { ConnectionTrackerOptions, TrackerStats } from "./connection-tracker.js";
export { flowRole, isPolicyDrop } from "./flow-role.js";
export type { FlowRole, SkipReason } from "./flow-role.js";
export { describeIdentity } from "./identity.js";
export type { Identity, ReservedEntity, ReservedIdentity, WorkloadIdentity } from "./identity.js";
export { IdentityResolver } from "./identity-resolver.js";
export type { IdentityResolverOptions, IdentityResolverStats } from "./identity-resolver.js";
export { isChurnLabel, parseCiliumLabel, sortLabels } from "./labels.js";
export type { CiliumLabel, SortedLabels } from "./labels.js";
export { ownerOf } from "./workload-owner.js";
export type { OwnerHints, WorkloadOwner } from "./workload-owner.js";
