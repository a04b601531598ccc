/**
 * The shapes protobufjs produces when it decodes our Hubble protos into message instances
 * (no toObject): enums are numbers, 64-bit integers are Long objects, unset message fields
 * are null and unset scalars read as their zero value from the prototype. These types stay
 * inside src/hubble.
 */

/** A protobufjs 64-bit integer: a Long when the `long` package is present, else a number. */
export type Int64 = number | { readonly low: number; readonly high: number; readonly unsigned: boolean };

export interface WireTimestamp {
  readonly seconds: Int64;
  readonly nanos: number;
}

export interface WireEndpoint {
  readonly ID: number;
  readonly identity: number;
  readonly cluster_name: string;
  readonly namespace: string;
  readonly labels: readonly string[];
  readonly pod_name: string;
  readonly workloads: readonly { readonly name: string; readonly kind: string }[];
}

export interface WireTcpFlags {
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

export interface WirePorts {
  readonly source_port: number;
  readonly destination_port: number;
}

export interface WireLayer4 {
  readonly TCP: (WirePorts & { readonly flags: WireTcpFlags | null }) | null;
  readonly UDP: WirePorts | null;
  readonly SCTP: WirePorts | null;
  readonly ICMPv4: { readonly type: number; readonly code: number } | null;
  readonly ICMPv6: { readonly type: number; readonly code: number } | null;
  readonly VRRP: object | null;
  readonly IGMP: object | null;
}

export interface WireHttp {
  readonly code: number;
  readonly method: string;
  readonly url: string;
  readonly protocol: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
}

export interface WireDns {
  readonly query: string;
  readonly ips: readonly string[];
  readonly ttl: number;
  readonly cnames: readonly string[];
  readonly observation_source: string;
  readonly rcode: number;
  readonly qtypes: readonly string[];
  readonly rrtypes: readonly string[];
}

export interface WireLayer7 {
  readonly type: number;
  readonly latency_ns: Int64;
  readonly dns: WireDns | null;
  readonly http: WireHttp | null;
  readonly kafka: object | null;
}

export interface WirePolicy {
  readonly name: string;
  readonly namespace: string;
  readonly labels: readonly string[];
  readonly revision: Int64;
  readonly kind: string;
}

export interface WireFlow {
  readonly time: WireTimestamp | null;
  readonly uuid: string;
  readonly verdict: number;
  readonly drop_reason: number;
  readonly IP: {
    readonly source: string;
    readonly source_xlated: string;
    readonly destination: string;
    readonly ipVersion: number;
    readonly encrypted: boolean;
  } | null;
  readonly l4: WireLayer4 | null;
  readonly source: WireEndpoint | null;
  readonly destination: WireEndpoint | null;
  readonly Type: number;
  readonly node_name: string;
  readonly source_names: readonly string[];
  readonly destination_names: readonly string[];
  readonly l7: WireLayer7 | null;
  readonly reply: boolean;
  readonly event_type: { readonly type: number; readonly sub_type: number } | null;
  readonly source_service: { readonly name: string; readonly namespace: string } | null;
  readonly destination_service: { readonly name: string; readonly namespace: string } | null;
  readonly traffic_direction: number;
  readonly policy_match_type: number;
  readonly trace_observation_point: number;
  readonly trace_reason: number;
  readonly drop_reason_desc: number;
  readonly is_reply: { readonly value: boolean } | null;
  readonly Summary: string;
  readonly egress_allowed_by: readonly WirePolicy[];
  readonly ingress_allowed_by: readonly WirePolicy[];
  readonly egress_denied_by: readonly WirePolicy[];
  readonly ingress_denied_by: readonly WirePolicy[];
}

export interface WireLostEvent {
  readonly source: number;
  readonly num_events_lost: Int64;
  readonly cpu: { readonly value: number } | null;
}

export interface WireNodeStatus {
  readonly state_change: number;
  readonly node_names: readonly string[];
  readonly message: string;
}

export interface WireResponse {
  readonly flow: WireFlow | null;
  readonly node_status: WireNodeStatus | null;
  readonly lost_events: WireLostEvent | null;
  readonly node_name: string;
  readonly time: WireTimestamp | null;
}
