import type {
  FlowEndpoint,
  FlowType,
  Flow,
  IpInfo,
  Layer4,
  Layer7,
  L7FlowType,
  PolicyRef,
  TcpFlags,
  Timestamp,
  TrafficDirection,
  Verdict,
} from "../../flows/index.js";
import { enumNames } from "./enum-names.js";
import type {
  Int64,
  WireEndpoint,
  WireFlow,
  WireLayer4,
  WireLayer7,
  WirePolicy,
  WireTcpFlags,
  WireTimestamp,
} from "./wire-types.js";

const EMPTY: readonly never[] = Object.freeze([]);

/** A 64-bit protobuf integer as a JS number (exact below 2^53, which covers every use here). */
export function int64ToNumber(value: Int64): number {
  if (typeof value === "number") return value;
  const low = value.low >>> 0;
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return high * 4294967296 + low;
}

/** A decoded Timestamp, or undefined when the message field was unset. */
export function toTimestamp(value: WireTimestamp | null | undefined): Timestamp | undefined {
  if (!value) return undefined;
  return { seconds: int64ToNumber(value.seconds), nanos: value.nanos };
}

/** Enum name tables, loaded on first use (no work at import time). */
let names: ReturnType<typeof loadNames> | undefined;
function loadNames() {
  return {
    verdict: enumNames("flow.Verdict"),
    flowType: enumNames("flow.FlowType"),
    direction: enumNames("flow.TrafficDirection"),
    point: enumNames("flow.TraceObservationPoint"),
    reason: enumNames("flow.TraceReason"),
    drop: enumNames("flow.DropReason"),
    l7Type: enumNames("flow.L7FlowType"),
    ipVersion: enumNames("flow.IPVersion"),
  };
}

function known<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
  return (allowed as readonly string[]).includes(name) ? (name as T) : fallback;
}

const VERDICTS: readonly Verdict[] = [
  "VERDICT_UNKNOWN", "FORWARDED", "DROPPED", "ERROR", "AUDIT", "REDIRECTED", "TRACED", "TRANSLATED",
];
const FLOW_TYPES: readonly FlowType[] = ["UNKNOWN_TYPE", "L3_L4", "L7", "SOCK"];
const DIRECTIONS: readonly TrafficDirection[] = ["TRAFFIC_DIRECTION_UNKNOWN", "INGRESS", "EGRESS"];
const L7_TYPES: readonly L7FlowType[] = ["UNKNOWN_L7_TYPE", "REQUEST", "RESPONSE", "SAMPLE"];
const IP_VERSIONS: readonly IpInfo["ipVersion"][] = ["IP_NOT_USED", "IPv4", "IPv6"];

// Decoded endpoints are shared between flows (see endpoint-cache.ts), so their normalized
// form is too; the identity resolver then recognises the same object cheaply.
const endpoints = new WeakMap<WireEndpoint, FlowEndpoint>();

function toEndpoint(ep: WireEndpoint | null): FlowEndpoint | undefined {
  if (!ep) return undefined;
  const known = endpoints.get(ep);
  if (known) return known;
  const endpoint: FlowEndpoint = {
    id: ep.ID,
    identity: ep.identity,
    clusterName: ep.cluster_name,
    namespace: ep.namespace,
    labels: ep.labels,
    podName: ep.pod_name,
    workloads: ep.workloads.length === 0 ? EMPTY : ep.workloads.map((w) => ({ name: w.name, kind: w.kind })),
  };
  endpoints.set(ep, endpoint);
  return endpoint;
}

// Every combination of the nine TCP flags as one shared frozen object, indexed by bit mask,
// so a TCP flow does not allocate its flags.
const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"] as const;
const FLAG_SETS: readonly TcpFlags[] = Array.from({ length: 512 }, (_, mask) =>
  Object.freeze(Object.fromEntries(FLAG_NAMES.map((name, bit) => [name, (mask & (1 << bit)) !== 0])) as unknown as TcpFlags), // all nine keys are set above
);

function tcpFlags(f: WireTcpFlags | null): TcpFlags {
  if (!f) return FLAG_SETS[0] as TcpFlags;
  const mask =
    (f.FIN ? 1 : 0) | (f.SYN ? 2 : 0) | (f.RST ? 4 : 0) | (f.PSH ? 8 : 0) | (f.ACK ? 16 : 0) |
    (f.URG ? 32 : 0) | (f.ECE ? 64 : 0) | (f.CWR ? 128 : 0) | (f.NS ? 256 : 0);
  return FLAG_SETS[mask] as TcpFlags;
}

function toLayer4(l4: WireLayer4 | null): Layer4 | undefined {
  if (!l4) return undefined;
  if (l4.TCP) {
    const f = l4.TCP.flags;
    return {
      protocol: "TCP",
      sourcePort: l4.TCP.source_port,
      destinationPort: l4.TCP.destination_port,
      flags: tcpFlags(f),
    };
  }
  if (l4.UDP) return { protocol: "UDP", sourcePort: l4.UDP.source_port, destinationPort: l4.UDP.destination_port };
  if (l4.SCTP) return { protocol: "SCTP", sourcePort: l4.SCTP.source_port, destinationPort: l4.SCTP.destination_port };
  if (l4.ICMPv4) return { protocol: "ICMPv4", type: l4.ICMPv4.type, code: l4.ICMPv4.code };
  if (l4.ICMPv6) return { protocol: "ICMPv6", type: l4.ICMPv6.type, code: l4.ICMPv6.code };
  if (l4.VRRP) return { protocol: "VRRP" };
  if (l4.IGMP) return { protocol: "IGMP" };
  return undefined;
}

function toLayer7(l7: WireLayer7 | null): Layer7 | undefined {
  if (!l7) return undefined;
  const n = (names ??= loadNames());
  const base = {
    type: known(n.l7Type.name(l7.type), "UNKNOWN_L7_TYPE", L7_TYPES),
    latencyNs: int64ToNumber(l7.latency_ns),
  };
  if (l7.http) {
    const h = l7.http;
    return {
      ...base,
      http: { code: h.code, method: h.method, url: h.url, protocol: h.protocol, headers: h.headers },
      dns: undefined,
      other: false,
    };
  }
  if (l7.dns) {
    const d = l7.dns;
    return {
      ...base,
      dns: {
        query: d.query, ips: d.ips, ttl: d.ttl, cnames: d.cnames, observationSource: d.observation_source,
        rcode: d.rcode, qtypes: d.qtypes, rrtypes: d.rrtypes,
      },
      http: undefined,
      other: false,
    };
  }
  return { ...base, http: undefined, dns: undefined, other: true };
}

function toPolicies(list: readonly WirePolicy[]): readonly PolicyRef[] {
  if (list.length === 0) return EMPTY;
  return list.map((p) => ({
    name: p.name, namespace: p.namespace, kind: p.kind, labels: p.labels, revision: String(int64ToNumber(p.revision)),
  }));
}

/**
 * Converts a decoded `flow.Flow` message into our normalized {@link Flow}. `fallbackTime`
 * (the response's top-level time) is used when the flow itself carries none.
 */
export function toFlow(f: WireFlow, fallbackTime?: Timestamp): Flow {
  const n = (names ??= loadNames());
  const time = toTimestamp(f.time) ?? fallbackTime ?? { seconds: 0, nanos: 0 };
  // is_reply (BoolValue) is authoritative when present; the deprecated `reply` bool can only
  // say "true" (its false is indistinguishable from unset), so absent + !reply = unknown.
  const isReply = f.is_reply ? f.is_reply.value : f.reply ? true : undefined;
  const verdict = known(n.verdict.name(f.verdict), "VERDICT_UNKNOWN", VERDICTS);
  const dropCode = f.drop_reason_desc !== 0 ? f.drop_reason_desc : f.drop_reason;
  const ip = f.IP;
  return {
    time,
    uuid: f.uuid,
    verdict,
    dropReason: dropCode !== 0 ? n.drop.name(dropCode) : undefined,
    ip: ip
      ? {
          source: ip.source,
          destination: ip.destination,
          sourceXlated: ip.source_xlated,
          ipVersion: known(n.ipVersion.name(ip.ipVersion), "IP_NOT_USED", IP_VERSIONS),
          encrypted: ip.encrypted,
        }
      : undefined,
    l4: toLayer4(f.l4),
    source: toEndpoint(f.source),
    destination: toEndpoint(f.destination),
    type: known(n.flowType.name(f.Type), "UNKNOWN_TYPE", FLOW_TYPES),
    nodeName: f.node_name,
    sourceNames: f.source_names,
    destinationNames: f.destination_names,
    l7: toLayer7(f.l7),
    isReply,
    eventType: { type: f.event_type?.type ?? 0, subType: f.event_type?.sub_type ?? 0 },
    sourceService: f.source_service ? { name: f.source_service.name, namespace: f.source_service.namespace } : undefined,
    destinationService: f.destination_service
      ? { name: f.destination_service.name, namespace: f.destination_service.namespace }
      : undefined,
    trafficDirection: known(n.direction.name(f.traffic_direction), "TRAFFIC_DIRECTION_UNKNOWN", DIRECTIONS),
    policyMatchType: f.policy_match_type,
    traceObservationPoint: f.trace_observation_point === 0 ? "" : n.point.name(f.trace_observation_point),
    traceReason: f.trace_reason === 0 ? "" : n.reason.name(f.trace_reason),
    egressAllowedBy: toPolicies(f.egress_allowed_by),
    ingressAllowedBy: toPolicies(f.ingress_allowed_by),
    egressDeniedBy: toPolicies(f.egress_denied_by),
    ingressDeniedBy: toPolicies(f.ingress_denied_by),
    summary: f.Summary,
  };
}
