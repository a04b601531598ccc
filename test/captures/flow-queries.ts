/** Small queries over capture lines, for the facts the capture tests check. */
import type { EndpointJson, FlowJson, GetFlowsResponseJson } from "./wire.js";

/** The flows of a capture. */
export function flowsOf(lines: readonly GetFlowsResponseJson[]): FlowJson[] {
  return lines.map((line) => line.flow);
}

/** Protocol, ports and addresses of a flow, as printed: `UDP 10.0.0.1:5353 -> 10.0.0.2:53`. */
export function fiveTuple(flow: FlowJson): string {
  const l4 = flow.l4;
  const [proto, src, dst] = "TCP" in l4 ? ["TCP", l4.TCP.source_port, l4.TCP.destination_port]
    : "UDP" in l4 ? ["UDP", l4.UDP.source_port, l4.UDP.destination_port]
      : "ICMPv4" in l4 ? ["ICMPv4", 0, 0] : ["ICMPv6", 0, 0];
  return `${proto} ${flow.IP.source}:${src} -> ${flow.IP.destination}:${dst}`;
}

/** The same 5-tuple seen from the other end. */
export function reverseTuple(flow: FlowJson): string {
  const [proto, from, , to] = fiveTuple(flow).split(" ");
  return `${proto ?? ""} ${to ?? ""} -> ${from ?? ""}`;
}

/** Destination `address:port` of a TCP or UDP flow. */
export function destinationOf(flow: FlowJson): string {
  return fiveTuple(flow).split(" -> ")[1] ?? "";
}

/** Protocol and destination port, e.g. `TCP/8080`; ICMP flows give `ICMPv4/8` (the type). */
export function portOf(flow: FlowJson): string {
  const l4 = flow.l4;
  if ("TCP" in l4) return `TCP/${l4.TCP.destination_port}`;
  if ("UDP" in l4) return `UDP/${l4.UDP.destination_port}`;
  if ("ICMPv4" in l4) return `ICMPv4/${l4.ICMPv4.type ?? 0}`;
  return `ICMPv6/${l4.ICMPv6.type ?? 0}`;
}

/** True when the flow's TCP flags are exactly `flags`. */
export function hasFlags(flow: FlowJson, ...flags: readonly ("SYN" | "ACK" | "FIN" | "PSH" | "RST")[]): boolean {
  if (!("TCP" in flow.l4)) return false;
  const set = flow.l4.TCP.flags ?? {};
  const on = (["FIN", "SYN", "RST", "PSH", "ACK"] as const).filter((f) => set[f] === true);
  return on.length === flags.length && flags.every((f) => on.includes(f));
}

/** `k8s:` label values of an endpoint by key. */
export function labelMap(endpoint: EndpointJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const label of endpoint.labels) {
    if (!label.startsWith("k8s:")) continue;
    const eq = label.indexOf("=");
    out.set(label.slice(4, eq < 0 ? undefined : eq), eq < 0 ? "" : label.slice(eq + 1));
  }
  return out;
}

/** Both endpoints of every flow. */
export function endpointsOf(flows: readonly FlowJson[]): EndpointJson[] {
  return flows.flatMap((f) => [f.source, f.destination]);
}

/** Trace events (event type 4). */
export function isTrace(flow: FlowJson): boolean {
  return flow.event_type.type === 4;
}

/** Policy-verdict events (event type 5). */
export function isVerdict(flow: FlowJson): boolean {
  return flow.event_type.type === 5;
}
