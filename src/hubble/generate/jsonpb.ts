/**
 * The JSON shape `hubble observe -o jsonpb` prints and Hubble's exporter writes: a
 * `GetFlowsResponse` rendered by protojson with proto field names, enums as value names,
 * RFC 3339 timestamps, 64-bit integers as strings and zero values omitted. Only the
 * members the generator produces are modelled; an absent member means the zero value.
 */

/** Hubble `Workload`. */
export interface WorkloadJson {
  readonly name: string;
  readonly kind: string;
}

/** Hubble `Endpoint`; `ID` is absent for peers that are not local to the capturing node. */
export interface EndpointJson {
  readonly ID?: number;
  readonly identity?: number;
  readonly cluster_name?: string;
  readonly namespace?: string;
  readonly labels?: readonly string[];
  readonly pod_name?: string;
  readonly workloads?: readonly WorkloadJson[];
}

/** `TCPFlags`: only the flags that are set appear. */
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

/** `Layer4` oneof: exactly one member is present. */
export type Layer4Json =
  | { readonly TCP: PortsJson & { readonly flags?: TcpFlagsJson } }
  | { readonly UDP: PortsJson };

/** Hubble `HTTP`; `code` is absent on requests. */
export interface HttpJson {
  readonly code?: number;
  readonly method: string;
  readonly url: string;
  readonly protocol: string;
  readonly headers?: readonly { readonly key: string; readonly value: string }[];
}

/** Hubble `DNS`; `ips`, `ttl`, `rcode` and `rrtypes` are absent on queries. */
export interface DnsJson {
  readonly query: string;
  readonly ips?: readonly string[];
  readonly ttl?: number;
  readonly observation_source?: string;
  readonly rcode?: number;
  readonly qtypes?: readonly string[];
  readonly rrtypes?: readonly string[];
}

/** `Layer7`; `latency_ns` is a uint64 and therefore a decimal string. */
export interface Layer7Json {
  readonly type: "REQUEST" | "RESPONSE";
  readonly latency_ns?: string;
  readonly dns?: DnsJson;
  readonly http?: HttpJson;
}

/** `CiliumEventType`; `sub_type` is absent when it is 0. */
export interface EventTypeJson {
  readonly type: number;
  readonly sub_type?: number;
}

/** Hubble `Service`: the Kubernetes Service a flow went through. */
export interface ServiceJson {
  readonly name: string;
  readonly namespace: string;
}

/** Hubble `Policy` as listed in `*_allowed_by` / `*_denied_by`; `revision` is a uint64 string. */
export interface PolicyJson {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: readonly string[];
  readonly revision: string;
  readonly kind: string;
}

/** Hubble `Flow`. Key order in objects built by the generator follows the .proto declaration. */
export interface FlowJson {
  readonly time: string;
  readonly uuid?: string;
  readonly emitter?: { readonly name: string; readonly version: string };
  readonly verdict: "FORWARDED" | "DROPPED" | "AUDIT" | "REDIRECTED";
  readonly drop_reason?: number;
  readonly ethernet?: { readonly source: string; readonly destination: string };
  readonly IP: { readonly source: string; readonly destination: string; readonly ipVersion: "IPv4" };
  readonly l4: Layer4Json;
  readonly source: EndpointJson;
  readonly destination: EndpointJson;
  readonly Type: "L3_L4" | "L7";
  readonly node_name: string;
  readonly source_names?: readonly string[];
  readonly destination_names?: readonly string[];
  readonly l7?: Layer7Json;
  readonly event_type: EventTypeJson;
  readonly source_service?: ServiceJson;
  readonly destination_service?: ServiceJson;
  readonly traffic_direction?: "INGRESS" | "EGRESS";
  readonly policy_match_type?: number;
  readonly trace_observation_point?: TraceObservationPoint;
  readonly trace_reason?: "NEW" | "ESTABLISHED" | "REPLY";
  readonly drop_reason_desc?: "POLICY_DENIED";
  readonly is_reply?: boolean;
  readonly interface?: { readonly index: number; readonly name: string };
  readonly proxy_port?: number;
  readonly Summary: string;
  readonly egress_allowed_by?: readonly PolicyJson[];
  readonly ingress_allowed_by?: readonly PolicyJson[];
}

/** `TraceObservationPoint` values the generator uses. */
export type TraceObservationPoint =
  | "TO_PROXY"
  | "TO_STACK"
  | "TO_OVERLAY"
  | "FROM_ENDPOINT"
  | "TO_ENDPOINT";

/** Hubble `LostEvent`; `num_events_lost` is a uint64 string, `cpu` only for the perf ring. */
export interface LostEventJson {
  readonly source: "HUBBLE_RING_BUFFER" | "PERF_EVENT_RING_BUFFER" | "OBSERVER_EVENTS_QUEUE";
  readonly num_events_lost: string;
  readonly cpu?: number;
}

/** One line of `hubble observe -o jsonpb`: a flow or a lost-events notice. */
export type GetFlowsResponseJson =
  | { readonly flow: FlowJson; readonly node_name: string; readonly time: string }
  | { readonly lost_events: LostEventJson; readonly node_name: string; readonly time: string };

/** Writable view used while building values; callers only ever see the readonly types. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
