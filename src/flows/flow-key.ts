import type { Flow } from "./flow.js";

/**
 * The identity of one Hubble event for de-duplication. Cilium 1.14+ stamps every flow
 * with a `uuid`; older agents do not, so the key falls back to the event's content: time to
 * the nanosecond, node, monitor event type, observation point, 5-tuple, TCP flags, verdict
 * and reply flag. Two distinct packets sharing all of these within one nanosecond on one
 * node are indistinguishable, and that is accepted.
 */
export function flowKey(flow: Flow): string {
  if (flow.uuid !== "") return flow.uuid;
  const l4 = flow.l4;
  let tuple = "";
  if (l4) {
    switch (l4.protocol) {
      case "TCP": {
        const f = l4.flags;
        const flags = `${f.SYN ? "S" : ""}${f.ACK ? "A" : ""}${f.FIN ? "F" : ""}${f.RST ? "R" : ""}${f.PSH ? "P" : ""}`;
        tuple = `T${l4.sourcePort}>${l4.destinationPort}${flags}`;
        break;
      }
      case "UDP":
      case "SCTP":
        tuple = `${l4.protocol}${l4.sourcePort}>${l4.destinationPort}`;
        break;
      case "ICMPv4":
      case "ICMPv6":
        tuple = `${l4.protocol}${l4.type}/${l4.code}`;
        break;
      case "VRRP":
      case "IGMP":
        tuple = l4.protocol;
        break;
    }
  }
  return [
    flow.time.seconds,
    flow.time.nanos,
    flow.nodeName,
    flow.eventType.type,
    flow.eventType.subType,
    flow.traceObservationPoint,
    flow.ip?.source ?? "",
    flow.ip?.destination ?? "",
    tuple,
    flow.verdict,
    flow.isReply === undefined ? "?" : flow.isReply ? "r" : "q",
    flow.l7 ? `${flow.l7.type}:${flow.summary}` : "",
  ].join("|");
}
