/**
 * HTTP through the Envoy proxy of the client's node (an egress policy with `rules.http`),
 * as the recorded bookinfo capture shows it:
 *
 * - client side, 5-tuple client → server: the SYN's REDIRECTED policy verdict (EGRESS),
 *   every client packet traced TO_PROXY (EGRESS, is_reply false), every proxy answer
 *   delivered TO_ENDPOINT to the client as if from the server (EGRESS, is_reply true);
 * - the L7 REQUEST / RESPONSE records of the same 5-tuple, written by the proxy;
 * - the proxy's own upstream connection, from the node's `cilium_host` address, marked
 *   with the client's identity and labels but no namespace or pod name; its packets are
 *   traced like any host traffic (TO_OVERLAY to another node, TO_ENDPOINT at the server).
 */
import type { Capture } from "./capture.js";
import { identityOnly, proxySource } from "./cluster.js";
import type { Pod } from "./cluster.js";
import { httpRequest, httpResponse } from "./l7.js";
import type { HttpExchange } from "./l7.js";
import type { Conversation } from "./records.js";
import { leg, PSH, PSH_REPLY, send, tcpClose, tcpOpen, tcpRound } from "./sessions.js";
import type { Leg, VerdictSpec } from "./sessions.js";
import type { EndpointJson, ServiceJson } from "./wire.js";

/** Options of {@link egressProxyHttp}. */
export interface EgressProxyHttpOptions {
  readonly client: Pod;
  readonly server: Pod;
  readonly clientPort: number;
  readonly serverPort: number;
  /** The proxy's source port towards the server. */
  readonly upstreamPort: number;
  readonly service?: ServiceJson;
  /** The SYN's egress verdict; REDIRECTED with an L3-L4 match by default. */
  readonly verdict?: VerdictSpec;
  /** Requests sent one after another on the same (kept-alive) connection. */
  readonly exchanges: readonly HttpExchange[];
  /**
   * How the L7 records print the server; undefined: as the peer's own view. Cilium 1.10
   * printed a server on another node as `reserved:world` while still naming the pod.
   */
  readonly l7Server?: EndpointJson;
}

/** One kept-alive HTTP/1.1 connection through the egress proxy. */
export function egressProxyHttp(cap: Capture, o: EgressProxyHttpOptions): void {
  const node = o.client.spec.node;
  const conv: Conversation = {
    protocol: "TCP", client: o.client, server: o.server, clientPort: o.clientPort, serverPort: o.serverPort,
    ...(o.service === undefined ? {} : { service: o.service }),
  };
  const clientLeg: Leg = leg(conv, {
    request: [{ node, point: "TO_PROXY", side: "client", known: true, iface: undefined }],
    reply: [{ node, point: "TO_ENDPOINT", side: "client", known: true, iface: o.client.iface }],
  });
  const upstream = leg({ ...conv, client: proxySource(node, identityOnly(o.client)), clientPort: o.upstreamPort });
  tcpOpen(cap, clientLeg, { verdicts: { egress: o.verdict ?? { verdict: "REDIRECTED" } } });
  const l7Server = o.l7Server;
  o.exchanges.forEach((exchange, index) => {
    send(cap, clientLeg, PSH);
    const started = cap.nowMs();
    const request = httpRequest(exchange);
    cap.l7(conv, PSH, { node, direction: "EGRESS", ...request, ...(l7Server === undefined ? {} : { destination: l7Server }) });
    // Envoy opens its upstream connection on the first request and keeps it for the next.
    if (index === 0) tcpOpen(cap, upstream);
    tcpRound(cap, upstream);
    const response = httpResponse(exchange, (cap.nowMs() - started) * 1e6);
    cap.l7(conv, PSH_REPLY, { node, direction: "EGRESS", ...response, ...(l7Server === undefined ? {} : { source: l7Server }) });
    send(cap, clientLeg, PSH_REPLY);
    cap.pause(3, 25);
  });
  tcpClose(cap, clientLeg);
  tcpClose(cap, upstream);
}
