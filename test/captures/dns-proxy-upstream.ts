import { Capture } from "./capture.js";
import { HOST, pod, proxySource, REMOTE_NODE } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { dnsRequest, dnsResponse, NO_ANSWER_TTL } from "./l7.js";
import type { DnsQuestion } from "./l7.js";
import { deploymentPodName, lxcName } from "./names.js";
import { CILIUM_1_10 } from "./profile.js";
import type { Conversation } from "./records.js";
import { leg, send, UDP_FIRST, UDP_NEXT, UDP_REPLY, udpExchange } from "./sessions.js";
import { defaultPath, mapPath } from "./sightings.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "kind-kind";
const WORKER: NodeRef = { name: "kind-worker", cluster: CLUSTER, ip: "172.18.0.3", routerIp: "10.244.1.205" };
const WORKER_2: NodeRef = { name: "kind-worker2", cluster: CLUSTER, ip: "172.18.0.5", routerIp: "10.244.2.36" };

const CHECKOUT = pod({
  node: WORKER, ip: "10.244.1.83", namespace: "shop", podName: deploymentPodName("checkout", "5b8f6c9d47", "tq7xn"),
  identity: 19_406, endpointId: 1733, serviceAccount: "checkout", labels: ["app=checkout"], workload: undefined,
  iface: { index: 24, name: lxcName("9f2c61e0b3d8") },
});

function coredns(suffix: string, p: Pick<PodSpec, "node" | "ip" | "endpointId" | "iface">): Pod {
  return pod({
    ...p, namespace: "kube-system", podName: deploymentPodName("coredns", "558bd4d5db", suffix), identity: 48_342,
    serviceAccount: "coredns", labels: ["k8s-app=kube-dns"], workload: undefined,
  });
}

const COREDNS_LOCAL = coredns("fz8lp", {
  node: WORKER, ip: "10.244.1.12", endpointId: 3210, iface: { index: 7, name: lxcName("40d7b2a9e1c6") },
});
const COREDNS_REMOTE = coredns("k2wqv", {
  node: WORKER_2, ip: "10.244.2.9", endpointId: 585, iface: { index: 7, name: lxcName("b86e3f0c5a17") },
});

function answered(query: string, ips: readonly string[], ttl: number): readonly DnsQuestion[] {
  return [
    { query, qtype: "A", ips, ttl, rcode: 0 },
    { query, qtype: "AAAA", ips: [], ttl: NO_ANSWER_TTL, rcode: 0 },
  ];
}

function nxdomain(query: string): readonly DnsQuestion[] {
  return (["A", "AAAA"] as const).map((qtype) => ({ query, qtype, ips: [], ttl: NO_ANSWER_TTL, rcode: 3 }));
}

/**
 * One resolver socket's questions through the DNS proxy of the client's node: the first
 * query gets the REDIRECTED verdict; each is traced TO_PROXY, logged as an L7 REQUEST,
 * re-sent by the proxy from the node's cilium_host address on a fresh port, answered,
 * logged as an L7 RESPONSE, and delivered to the pod as from CoreDNS.
 */
interface Lookup {
  readonly server: Pod;
  readonly clientPort: number;
  /** The proxy's source port for each question's upstream query. */
  readonly upstreamPorts: readonly number[];
  readonly questions: readonly DnsQuestion[];
}

function lookup(cap: Capture, { server, clientPort, upstreamPorts, questions }: Lookup): void {
  const node = CHECKOUT.spec.node;
  const conv: Conversation = { protocol: "UDP", client: CHECKOUT, server, clientPort, serverPort: 53 };
  const local = server.spec.node.name === node.name;
  const clientLeg = leg(conv, {
    request: [{ node, point: "TO_PROXY", side: "client", known: true, iface: undefined }],
    reply: [{ node, point: "TO_ENDPOINT", side: "client", known: true, iface: CHECKOUT.iface }],
  });
  questions.forEach((question, i) => {
    send(cap, clientLeg, i === 0 ? UDP_FIRST : UDP_NEXT, i === 0 ? { egress: { verdict: "REDIRECTED" } } : {});
    const request = dnsRequest(question);
    cap.l7(conv, UDP_FIRST, { node, direction: "EGRESS", ...request });
    // The recorded 1.10 capture prints the proxy's upstream packets towards a CoreDNS pod on
    // another node as from reserved:remote-node, without is_reply; towards a CoreDNS pod on
    // the same node they are printed as from the node itself, reserved:host.
    const upstreamConv: Conversation = {
      ...conv, client: proxySource(node, local ? HOST : REMOTE_NODE), clientPort: upstreamPorts[i] ?? 40_000 + i,
    };
    const path = mapPath(defaultPath(upstreamConv), (s, way) => (way === "request" ? { ...s, known: false } : s));
    udpExchange(cap, leg(upstreamConv, path));
    cap.l7(conv, UDP_REPLY, { node, direction: "EGRESS", ...dnsResponse(question) });
    send(cap, clientLeg, UDP_REPLY);
  });
}

/**
 * Pod → CoreDNS lookups through Cilium's DNS proxy (a `toPorts` rule with `rules.dns`),
 * imitating the Cilium 1.10 bookinfo capture: REDIRECTED policy verdict (event type 5,
 * is_reply false), TO_PROXY trace, L7 DNS REQUEST and RESPONSE records (query, ips, ttl,
 * rcode for NXDOMAIN, qtypes), and the proxy's upstream leg to the CoreDNS pods on UDP 53
 * with is_reply absent: from `reserved:remote-node` (identity 6, the node's cilium_host
 * address as source) TO_OVERLAY and TO_ENDPOINT on the other node, and from
 * `reserved:host` (identity 1) TO_ENDPOINT on the client's node; then the CoreDNS replies
 * (TO_OVERLAY to remote-node, TO_STACK to host) and the answers delivered TO_ENDPOINT.
 * The search-path walk of `api.stripe.com` shows NXDOMAIN answers before the real one.
 */
export function dnsProxyUpstream(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2021-11-10T12:17:05.640213300Z", seed: 707, profile: CILIUM_1_10 });
  lookup(cap, {
    server: COREDNS_REMOTE, clientPort: 54_310, upstreamPorts: [33_961, 41_908],
    questions: answered("inventory.shop.svc.cluster.local.", ["10.96.142.17"], 30),
  });
  cap.pause(5, 20);
  lookup(cap, {
    server: COREDNS_LOCAL, clientPort: 38_115, upstreamPorts: [45_227, 50_893],
    questions: answered("payments.shop.svc.cluster.local.", ["10.96.77.201"], 30),
  });
  cap.pause(40, 120);
  const search = ["api.stripe.com.shop.svc.cluster.local.", "api.stripe.com.svc.cluster.local.", "api.stripe.com.cluster.local."];
  lookup(cap, {
    server: COREDNS_LOCAL, clientPort: 42_771, upstreamPorts: [36_012, 36_019, 36_027, 36_040, 36_052, 36_066],
    questions: search.flatMap(nxdomain),
  });
  lookup(cap, {
    server: COREDNS_REMOTE, clientPort: 42_790, upstreamPorts: [39_440, 39_458],
    questions: answered("api.stripe.com.", ["198.51.100.23", "198.51.100.24"], 17),
  });
  return cap.responses();
}
