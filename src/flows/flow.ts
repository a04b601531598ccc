/**
 * The normalized Hubble flow: one observed event, independent of how it arrived
 * (gRPC stream, exporter file, `hubble observe -o jsonpb` dump). Field meanings follow
 * Cilium's flow.proto; names are camelCase here. Enum-valued fields carry the enum's
 * value name; a value this build does not know becomes its decimal number as a string,
 * which is also how protojson prints unknown enum values.
 */

/** Seconds and nanoseconds since the Unix epoch (google.protobuf.Timestamp). */
export interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}

export type Verdict =
  | "VERDICT_UNKNOWN"
  | "FORWARDED"
  | "DROPPED"
  | "ERROR"
  | "AUDIT"
  | "REDIRECTED"
  | "TRACED"
  | "TRANSLATED";

export type FlowType = "UNKNOWN_TYPE" | "L3_L4" | "L7" | "SOCK";

export type TrafficDirection = "TRAFFIC_DIRECTION_UNKNOWN" | "INGRESS" | "EGRESS";

export type L7FlowType = "UNKNOWN_L7_TYPE" | "REQUEST" | "RESPONSE" | "SAMPLE";

/** A Kubernetes workload that owns a pod, as Hubble reports it in `Endpoint.workloads`. */
export interface Workload {
  readonly name: string;
  readonly kind: string;
}

/** One side of a flow (Hubble `Endpoint`). Empty string / 0 mean "not reported". */
export interface FlowEndpoint {
  /** Cilium endpoint id on the capturing node; 0 for remote or reserved peers. */
  readonly id: number;
  /** Cilium security identity number (1 host, 2 world, ...). */
  readonly identity: number;
  readonly clusterName: string;
  readonly namespace: string;
  /** Cilium labels as `source:key=value`, exactly as Hubble reported them. */
  readonly labels: readonly string[];
  readonly podName: string;
  readonly workloads: readonly Workload[];
}

export interface TcpFlags {
  readonly FIN: boolean;
  readonly SYN: boolean;
  readonly RST: boolean;
  readonly PSH: boolean;
  readonly ACK: boolean;
  readonly URG: boolean;
  readonly ECE: boolean;
  readonly CWR: boolean;
  readonly NS: boolean;
}

/** Layer 4 of a flow; `protocol` discriminates (Hubble's `Layer4` oneof). */
export type Layer4 =
  | {
      readonly protocol: "TCP";
      readonly sourcePort: number;
      readonly destinationPort: number;
      readonly flags: TcpFlags;
    }
  | {
      readonly protocol: "UDP" | "SCTP";
      readonly sourcePort: number;
      readonly destinationPort: number;
    }
  | { readonly protocol: "ICMPv4" | "ICMPv6"; readonly type: number; readonly code: number }
  | { readonly protocol: "VRRP" | "IGMP" };

export interface IpInfo {
  readonly source: string;
  readonly destination: string;
  /** Post-SNAT source address, "" when not translated. */
  readonly sourceXlated: string;
  readonly ipVersion: "IP_NOT_USED" | "IPv4" | "IPv6";
  readonly encrypted: boolean;
}

export interface HttpRecord {
  readonly code: number;
  readonly method: string;
  readonly url: string;
  readonly protocol: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
}

export interface DnsRecord {
  /** FQDN with the trailing dot, as Hubble reports it. */
  readonly query: string;
  readonly ips: readonly string[];
  readonly ttl: number;
  readonly cnames: readonly string[];
  readonly observationSource: string;
  readonly rcode: number;
  readonly qtypes: readonly string[];
  readonly rrtypes: readonly string[];
}

export interface Layer7 {
  readonly type: L7FlowType;
  /** Response latency in nanoseconds; 0 when not reported. */
  readonly latencyNs: number;
  readonly http: HttpRecord | undefined;
  readonly dns: DnsRecord | undefined;
  /** True for record kinds the auditor does not model (e.g. Kafka); http and dns are then undefined. */
  readonly other: boolean;
}

export interface ServiceRef {
  readonly name: string;
  readonly namespace: string;
}

/** A policy named in `*_allowed_by` / `*_denied_by`. */
export interface PolicyRef {
  readonly name: string;
  readonly namespace: string;
  readonly kind: string;
  readonly labels: readonly string[];
  readonly revision: string;
}

/** Cilium monitor event type (`event_type`): 1 drop, 4 trace, 5 policy verdict, 129 L7. */
export interface EventType {
  readonly type: number;
  readonly subType: number;
}

/** A normalized Hubble flow. Members that may be `undefined` are those Hubble did not report. */
export interface Flow {
  readonly time: Timestamp;
  /** Flow uuid (Cilium 1.14+); "" when absent. */
  readonly uuid: string;
  readonly verdict: Verdict;
  /** Drop reason name (e.g. POLICY_DENIED) for DROPPED flows; unknown codes as a number string. */
  readonly dropReason: string | undefined;
  readonly ip: IpInfo | undefined;
  readonly l4: Layer4 | undefined;
  readonly source: FlowEndpoint | undefined;
  readonly destination: FlowEndpoint | undefined;
  readonly type: FlowType;
  readonly nodeName: string;
  readonly sourceNames: readonly string[];
  readonly destinationNames: readonly string[];
  readonly l7: Layer7 | undefined;
  /**
   * Whether the packet travels in the reply direction. `undefined` means Hubble did not
   * know (`is_reply` absent); the deprecated `reply: true` also counts as a reply.
   */
  readonly isReply: boolean | undefined;
  readonly eventType: EventType;
  readonly sourceService: ServiceRef | undefined;
  readonly destinationService: ServiceRef | undefined;
  readonly trafficDirection: TrafficDirection;
  /** Policy-verdict events only: 0 none, 1 L3-only, 2 L3-L4, 3 L4-only, 4 all, 5 L3-proto, 6 proto-only. */
  readonly policyMatchType: number;
  /** Trace events only: e.g. TO_ENDPOINT, TO_PROXY, FROM_ENDPOINT; "" when absent. */
  readonly traceObservationPoint: string;
  /** Conntrack state of trace events (NEW, ESTABLISHED, REPLY, ...); "" when absent. */
  readonly traceReason: string;
  readonly egressAllowedBy: readonly PolicyRef[];
  readonly ingressAllowedBy: readonly PolicyRef[];
  readonly egressDeniedBy: readonly PolicyRef[];
  readonly ingressDeniedBy: readonly PolicyRef[];
  readonly summary: string;
}

/** Cilium monitor message types used in `event_type.type`. */
export const EVENT_TYPE = {
  drop: 1,
  trace: 4,
  policyVerdict: 5,
  traceSock: 7,
  accessLog: 129,
} as const;

/** Milliseconds since the epoch (fractional, microsecond precision). */
export function toMillis(time: Timestamp): number {
  return time.seconds * 1000 + time.nanos / 1e6;
}

/** RFC 3339 UTC text with nanoseconds trimmed like protojson (0, 3, 6 or 9 digits). */
export function formatTimestamp(time: Timestamp): string {
  const base = new Date(time.seconds * 1000).toISOString().slice(0, 19);
  if (time.nanos === 0) return `${base}Z`;
  let digits = String(time.nanos).padStart(9, "0");
  if (digits.endsWith("000000")) digits = digits.slice(0, 3);
  else if (digits.endsWith("000")) digits = digits.slice(0, 6);
  return `${base}.${digits}Z`;
}
