import type protobuf from "protobufjs";
import type { HubbleEvent } from "../event.js";
import { enumNames } from "./enum-names.js";
import { messageType } from "./proto-root.js";
import { int64ToNumber, toFlow, toTimestamp } from "./to-flow.js";
import type { WireResponse } from "./wire-types.js";


/**
 * Turns a decoded `observer.GetFlowsResponse` (or the identical `ExportEvent`) into a
 * {@link HubbleEvent}.
 */
export function eventFromMessage(message: protobuf.Message): HubbleEvent {
  // protobufjs message instances expose proto fields as own/prototype properties; the
  // WireResponse interface describes exactly that decoded shape.
  const res = message as unknown as WireResponse; // decoded by our own GetFlowsResponse type
  const time = toTimestamp(res.time);
  if (res.flow) {
    const flow = toFlow(res.flow, time);
    return { kind: "flow", flow, nodeName: res.node_name || flow.nodeName };
  }
  if (res.lost_events) {
    const lost = res.lost_events;
    return {
      kind: "lost-events",
      source: enumNames("flow.LostEventSource").name(lost.source),
      count: int64ToNumber(lost.num_events_lost),
      cpu: lost.cpu ? lost.cpu.value : undefined,
      nodeName: res.node_name,
      time,
    };
  }
  if (res.node_status) {
    const status = res.node_status;
    return {
      kind: "node-status",
      state: enumNames("relay.NodeState").name(status.state_change),
      nodeNames: status.node_names,
      message: status.message,
      time,
    };
  }
  return { kind: "empty", nodeName: res.node_name };
}

let responseType: protobuf.Type | undefined;

/** Decodes one wire-format `GetFlowsResponse`. Throws protobufjs' error on corrupt bytes. */
export function decodeResponse(bytes: Uint8Array): HubbleEvent {
  responseType ??= messageType("observer.GetFlowsResponse");
  return eventFromMessage(responseType.decode(bytes));
}
