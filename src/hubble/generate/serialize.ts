import type { EndpointJson, FlowJson, GetFlowsResponseJson, Layer4Json, PolicyJson, TcpFlagsJson } from "./jsonpb.js";

/**
 * Fast NDJSON rendering of generated lines. The output is exactly `JSON.stringify(line)`
 * for lines this generator builds (members in .proto declaration order, as protojson prints
 * them); it is faster because endpoints and policies, shared by thousands of flows, are
 * rendered once and cached by object identity.
 */
const endpointCache = new WeakMap<EndpointJson, string>();
const policyCache = new WeakMap<PolicyJson, string>();

function endpoint(e: EndpointJson): string {
  let s = endpointCache.get(e);
  if (s === undefined) {
    s = JSON.stringify(e);
    endpointCache.set(e, s);
  }
  return s;
}

function policies(list: readonly PolicyJson[]): string {
  let out = "[";
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (p === undefined) continue;
    let s = policyCache.get(p);
    if (s === undefined) {
      s = JSON.stringify(p);
      policyCache.set(p, s);
    }
    out += (i > 0 ? "," : "") + s;
  }
  return out + "]";
}

const str = JSON.stringify;

function layer4(l4: Layer4Json): string {
  if ("UDP" in l4) return `{"UDP":{"source_port":${l4.UDP.source_port},"destination_port":${l4.UDP.destination_port}}}`;
  const t = l4.TCP;
  const ports = `"source_port":${t.source_port},"destination_port":${t.destination_port}`;
  return t.flags === undefined ? `{"TCP":{${ports}}}` : `{"TCP":{${ports},"flags":${flags(t.flags)}}}`;
}

/** Flag objects are shared constants; render each once. */
const flagsCache = new WeakMap<TcpFlagsJson, string>();

function flags(f: TcpFlagsJson): string {
  let s = flagsCache.get(f);
  if (s === undefined) {
    s = JSON.stringify(f);
    flagsCache.set(f, s);
  }
  return s;
}

/** The flow object as compact JSON. */
export function serializeFlow(f: FlowJson): string {
  let s = `{"time":${str(f.time)}`;
  if (f.uuid !== undefined) s += `,"uuid":${str(f.uuid)}`;
  if (f.emitter !== undefined) s += `,"emitter":${str(f.emitter)}`;
  s += `,"verdict":"${f.verdict}"`;
  if (f.drop_reason !== undefined) s += `,"drop_reason":${f.drop_reason}`;
  if (f.ethernet !== undefined) s += `,"ethernet":{"source":${str(f.ethernet.source)},"destination":${str(f.ethernet.destination)}}`;
  s += `,"IP":{"source":${str(f.IP.source)},"destination":${str(f.IP.destination)},"ipVersion":"${f.IP.ipVersion}"}`;
  s += `,"l4":${layer4(f.l4)},"source":${endpoint(f.source)},"destination":${endpoint(f.destination)}`;
  s += `,"Type":"${f.Type}","node_name":${str(f.node_name)}`;
  if (f.source_names !== undefined) s += `,"source_names":${str(f.source_names)}`;
  if (f.destination_names !== undefined) s += `,"destination_names":${str(f.destination_names)}`;
  if (f.l7 !== undefined) s += `,"l7":${str(f.l7)}`;
  s += f.event_type.sub_type === undefined
    ? `,"event_type":{"type":${f.event_type.type}}`
    : `,"event_type":{"type":${f.event_type.type},"sub_type":${f.event_type.sub_type}}`;
  if (f.source_service !== undefined) s += `,"source_service":${str(f.source_service)}`;
  if (f.destination_service !== undefined) s += `,"destination_service":${str(f.destination_service)}`;
  if (f.traffic_direction !== undefined) s += `,"traffic_direction":"${f.traffic_direction}"`;
  if (f.policy_match_type !== undefined) s += `,"policy_match_type":${f.policy_match_type}`;
  if (f.trace_observation_point !== undefined) s += `,"trace_observation_point":"${f.trace_observation_point}"`;
  if (f.trace_reason !== undefined) s += `,"trace_reason":"${f.trace_reason}"`;
  if (f.drop_reason_desc !== undefined) s += `,"drop_reason_desc":"${f.drop_reason_desc}"`;
  if (f.is_reply !== undefined) s += `,"is_reply":${f.is_reply}`;
  if (f.interface !== undefined) s += `,"interface":{"index":${f.interface.index},"name":${str(f.interface.name)}}`;
  if (f.proxy_port !== undefined) s += `,"proxy_port":${f.proxy_port}`;
  s += `,"Summary":${str(f.Summary)}`;
  if (f.egress_allowed_by !== undefined) s += `,"egress_allowed_by":${policies(f.egress_allowed_by)}`;
  if (f.ingress_allowed_by !== undefined) s += `,"ingress_allowed_by":${policies(f.ingress_allowed_by)}`;
  return s + "}";
}

/** One NDJSON line (without the newline). */
export function serializeLine(line: GetFlowsResponseJson): string {
  const head = "flow" in line ? `{"flow":${serializeFlow(line.flow)}` : `{"lost_events":${str(line.lost_events)}`;
  return `${head},"node_name":${str(line.node_name)},"time":${str(line.time)}}`;
}
