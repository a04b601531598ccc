/**
 * The JSON the hand-built captures are made of: `GetFlowsResponse` objects as
 * `hubble observe -o jsonpb` prints them (protojson with proto field names, enum value
 * names, RFC 3339 times, 64-bit integers as strings, zero values left out). Only the
 * members the captures use are modelled; an absent member is the zero value, except
 * `is_reply`, a wrapper whose absence means "Hubble does not know".
 */

/** Hubble `Workload`: the controller Cilium derived from the pod's owner references. */
export interface WorkloadJson {
  readonly name: string;
  readonly kind: string;
}

/** Hubble `Endpoint`. `ID` only on the endpoint's own node; `cluster_name` from 1.16. */
export interface EndpointJson {
  readonly ID?: number;
  readonly identity: number;
  readonly cluster_name?: string;
  readonly namespace?: string;
  readonly labels: readonly string[];
  readonly pod_name?: string;
  readonly workloads?: readonly WorkloadJson[];
}

/** `TCPFlags`, in declaration order (FIN, SYN, RST, PSH, ACK); only set flags appear. */
export interface TcpFlagsJson {
  readonly FIN?: true;
  readonly SYN?: true;
  readonly RST?: true;
  readonly PSH?: true;
  readonly ACK?: true;
}

/** Ports of a TCP or UDP header. */
export interface PortsJson {
  readonly source_port: number;
  readonly destination_port: number;
}

/** ICMP type and code; both are left out when 0 (an echo reply prints as `{}`). */
export interface IcmpJson {
  readonly type?: number;
  readonly code?: number;
}

/** `Layer4` oneof: exactly one member. */
export type Layer4Json =
  | { readonly TCP: PortsJson & { readonly flags?: TcpFlagsJson } }
  | { readonly UDP: PortsJson }
  | { readonly ICMPv4: IcmpJson }
  | { readonly ICMPv6: IcmpJson };

/** Hubble `HTTP`; `code` only on responses. */
export interface HttpJson {
  readonly code?: number;
  readonly method: string;
  readonly url: string;
  readonly protocol: string;
  readonly headers?: readonly { readonly key: string; readonly value: string }[];
}

/** Hubble `DNS`; answers, TTL, rcode (when not NOERROR) and RR types only on responses. */
export interface DnsJson {
  readonly query: string;
  readonly ips?: readonly string[];
  readonly ttl?: number;
  readonly cnames?: readonly string[];
  readonly observation_source?: string;
  readonly rcode?: number;
  readonly qtypes?: readonly string[];
  readonly rrtypes?: readonly string[];
}

/** `Layer7`; `latency_ns` is a uint64 and so a decimal string. */
export interface Layer7Json {
  readonly type: "REQUEST" | "RESPONSE";
  readonly latency_ns?: string;
  readonly dns?: DnsJson;
  readonly http?: HttpJson;
}

/** `CiliumEventType`; `sub_type` is left out when 0. */
export interface EventTypeJson {
  readonly type: number;
  readonly sub_type?: number;
}

/** Hubble `Service`. */
export interface ServiceJson {
  readonly name: string;
  readonly namespace: string;
}

/** A policy in `*_allowed_by` (1.15+); `revision` is a uint64 string, `kind` is 1.17+. */
export interface PolicyJson {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: readonly string[];
  readonly revision: string;
  readonly kind?: string;
}

/** Trace observation points the captures use (no FROM_* point: see `sightings.ts`). */
export type TracePoint = "TO_ENDPOINT" | "TO_PROXY" | "TO_HOST" | "TO_STACK" | "TO_OVERLAY";

/** Flow verdicts the captures use. */
export type VerdictName = "FORWARDED" | "DROPPED" | "AUDIT" | "REDIRECTED";

/** `traffic_direction`, relative to the endpoint the event is about. */
export type Direction = "INGRESS" | "EGRESS";

/** Network interface of a trace event. */
export interface InterfaceJson {
  readonly index: number;
  readonly name: string;
}

/** Hubble `Flow`; builders create its members in .proto declaration order. */
export interface FlowJson {
  readonly time: string;
  readonly uuid?: string;
  readonly verdict: VerdictName;
  readonly drop_reason?: number;
  readonly ethernet?: { readonly source: string; readonly destination: string };
  readonly IP: { readonly source: string; readonly destination: string; readonly ipVersion: "IPv4" | "IPv6" };
  readonly l4: Layer4Json;
  readonly source: EndpointJson;
  readonly destination: EndpointJson;
  readonly Type: "L3_L4" | "L7";
  readonly node_name: string;
  readonly source_names?: readonly string[];
  readonly destination_names?: readonly string[];
  readonly l7?: Layer7Json;
  /** Deprecated twin of `is_reply`; printed only when true. */
  readonly reply?: true;
  readonly event_type: EventTypeJson;
  readonly source_service?: ServiceJson;
  readonly destination_service?: ServiceJson;
  readonly traffic_direction?: Direction;
  readonly policy_match_type?: number;
  readonly trace_observation_point?: TracePoint;
  readonly trace_reason?: "NEW" | "ESTABLISHED" | "REPLY";
  readonly drop_reason_desc?: "POLICY_DENIED";
  readonly is_reply?: boolean;
  readonly interface?: InterfaceJson;
  readonly Summary: string;
  readonly egress_allowed_by?: readonly PolicyJson[];
  readonly ingress_allowed_by?: readonly PolicyJson[];
}

/** One line of `hubble observe -o jsonpb`. */
export interface GetFlowsResponseJson {
  readonly flow: FlowJson;
  readonly node_name: string;
  readonly time: string;
}
