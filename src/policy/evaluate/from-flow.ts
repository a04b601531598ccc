import type { Flow } from "../../flows/flow.js";
import type { ConnectionInput, L7Request } from "./endpoint.js";
import { endpointFromFlowEndpoint } from "./endpoint.js";

/** A flow turned into the connection policy decides, or why it cannot be. */
export type FlowConnection =
  | { readonly kind: "connection"; readonly input: ConnectionInput; readonly reply: boolean }
  | { readonly kind: "skipped"; readonly reason: "no-endpoints" };

const NO_LABELS = { id: 0, identity: 0, clusterName: "", namespace: "", labels: [], podName: "", workloads: [] } as const;

/**
 * Query messages of the ICMP reply types, per protocol: echo (RFC 792, RFC 4443),
 * timestamp (RFC 792) and extended echo (RFC 8335). Cilium's conntrack keeps a reply of
 * these with its request, which is what policy decided.
 */
const ICMP_REQUEST_OF_REPLY: Readonly<Record<"ICMPv4" | "ICMPv6", ReadonlyMap<number, number>>> = {
  ICMPv4: new Map([[0, 8], [14, 13], [43, 42]]),
  ICMPv6: new Map([[129, 128], [161, 160]]),
};

/**
 * Builds the connection a flow belongs to. Replies are allowed with their connection
 * (conntrack), so a reply flow (`isReply` true) is turned back into the original
 * direction: source and destination swap, the port is the reply's source port, and an
 * ICMP reply type (an echo reply) becomes the type of its request (echo request).
 */
export function connectionFromFlow(flow: Flow): FlowConnection {
  if (flow.source === undefined && flow.destination === undefined && flow.ip === undefined) {
    return { kind: "skipped", reason: "no-endpoints" };
  }
  const reply = flow.isReply === true;
  const src = endpointFromFlowEndpoint(flow.source ?? NO_LABELS, flow.ip?.source ?? "", flow.sourceNames);
  const dst = endpointFromFlowEndpoint(flow.destination ?? NO_LABELS, flow.ip?.destination ?? "", flow.destinationNames);
  const l4 = flow.l4;
  let protocol = l4?.protocol ?? "UNKNOWN";
  let port: number | undefined;
  let icmpType: number | undefined;
  if (l4 !== undefined && (l4.protocol === "TCP" || l4.protocol === "UDP" || l4.protocol === "SCTP")) {
    port = reply ? l4.sourcePort : l4.destinationPort;
  } else if (l4 !== undefined && (l4.protocol === "ICMPv4" || l4.protocol === "ICMPv6")) {
    icmpType = (reply ? ICMP_REQUEST_OF_REPLY[l4.protocol].get(l4.type) : undefined) ?? l4.type;
  }
  if (l4 === undefined) protocol = "UNKNOWN";
  const l7 = reply ? undefined : l7Request(flow);
  return {
    kind: "connection",
    reply,
    input: {
      source: reply ? dst : src,
      destination: reply ? src : dst,
      protocol,
      ...(port === undefined ? {} : { port }),
      ...(icmpType === undefined ? {} : { icmpType }),
      ...(l7 === undefined ? {} : { l7 }),
    },
  };
}

function l7Request(flow: Flow): L7Request | undefined {
  const l7 = flow.l7;
  if (l7 === undefined || l7.type === "RESPONSE") return undefined;
  if (l7.dns !== undefined) return { kind: "dns", query: l7.dns.query };
  if (l7.http !== undefined) {
    const { url, method, headers } = l7.http;
    let path = url;
    let host = headers.find((h) => h.key.toLowerCase() === "host")?.value ?? "";
    try {
      const parsed = new URL(url);
      path = `${parsed.pathname}${parsed.search}`;
      if (host === "") host = parsed.host;
    } catch {
      // A bare path (no scheme/host) is matched as written.
    }
    return { kind: "http", method, path, host, headers };
  }
  return undefined;
}
