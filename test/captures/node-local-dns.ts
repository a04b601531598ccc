import { Capture } from "./capture.js";
import { hostAddress, pod, routerOf } from "./cluster.js";
import type { NodeRef, Peer, Pod, PodSpec } from "./cluster.js";
import { deploymentPodName, lxcName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import type { Conversation } from "./records.js";
import { leg, tcpSession, udpExchange } from "./sessions.js";
import type { VerdictSpec } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "prod-us";
const NODE_1: NodeRef = { name: "gke-prod-us-default-pool-8c1f2d3a-4k7m", cluster: CLUSTER, ip: "10.128.0.21", routerIp: "10.52.0.193" };
const NODE_2: NodeRef = { name: "gke-prod-us-default-pool-8c1f2d3a-9xq2", cluster: CLUSTER, ip: "10.128.0.22", routerIp: "10.52.1.77" };

/** NodeLocal DNSCache's link-local listener: an address of each node's host network namespace. */
const NODE_LOCAL_DNS = "169.254.20.10";
const UPSTREAM_SVC = { name: "kube-dns-upstream", namespace: "kube-system" } as const;
const DNS_EGRESS: VerdictSpec = {
  verdict: "FORWARDED",
  policy: policyRef({
    kind: "CiliumNetworkPolicy", namespace: "shop", name: "allow-node-local-dns",
    uid: "0d8e4f2a-7c61-4b3e-9a05-b6c1d7e3f928", revision: 240,
  }),
};

/** A pod of Deployment `app` in `shop`. */
function shopPod(app: string, p: Pick<PodSpec, "node" | "ip" | "podName" | "identity" | "endpointId" | "iface">): Pod {
  return pod({ ...p, namespace: "shop", serviceAccount: app, labels: [`app=${app}`], workload: { name: app, kind: "Deployment" } });
}

const CHECKOUT = shopPod("checkout", {
  node: NODE_1, ip: "10.52.0.41", podName: deploymentPodName("checkout", "6b59d4c8f7", "r4tzx"), identity: 23_870, endpointId: 1502,
  iface: { index: 33, name: lxcName("2be07c9d4a61") },
});
const CATALOG = shopPod("catalog", {
  node: NODE_2, ip: "10.52.1.118", podName: deploymentPodName("catalog", "849c5f7d6b", "fj2wq"), identity: 45_316, endpointId: 2044,
  iface: { index: 25, name: lxcName("d9a3e6b10f7c") },
});
const COREDNS = pod({
  node: NODE_1, ip: "10.52.0.12", namespace: "kube-system", podName: deploymentPodName("kube-dns", "5f9d8b7c4d", "kd9nq"),
  identity: 9_187, endpointId: 88, serviceAccount: "kube-dns", labels: ["k8s-app=kube-dns"],
  workload: { name: "kube-dns", kind: "Deployment" }, iface: { index: 8, name: lxcName("60c4f1e9b8a2") },
});

/** One resolver socket's A and AAAA questions to the node's cache. */
function resolve(cap: Capture, from: { readonly client: Pod; readonly clientPort: number }, cache: Peer): void {
  const conv: Conversation = { protocol: "UDP", ...from, server: cache, serverPort: 53 };
  udpExchange(cap, leg(conv), { requests: 2, verdicts: { egress: DNS_EGRESS } });
}

function upstream(cap: Capture, node: NodeRef, clientPort: number): void {
  // The cache forwards cluster.local misses from the host network namespace, so from the
  // node's cilium_host address, through the kube-dns-upstream Service.
  const conv: Conversation = {
    protocol: "UDP", client: routerOf(node), server: COREDNS, clientPort, serverPort: 53, service: UPSTREAM_SVC,
  };
  udpExchange(cap, leg(conv));
}

/**
 * Pods resolving through NodeLocal DNSCache, which runs on the host network and listens
 * on 169.254.20.10: Cilium knows that address as one of the node's own, so the peer is
 * `reserved:host` (identity 1), reached TO_STACK and answered TO_ENDPOINT, over UDP 53
 * and, for a truncated answer, TCP 53, with the pods' egress verdicts. The caches' own
 * upstream queries to the CoreDNS pod (UDP 53, `kube-system/kube-dns-upstream`) leave
 * from each node's `cilium_host` address: `reserved:host` on the CoreDNS pod's node
 * (TO_ENDPOINT, answered TO_STACK), and from the other node TO_OVERLAY, arriving there as
 * `reserved:remote-node` (identity 6).
 */
export function nodeLocalDns(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-11-05T16:44:09.377120446Z", seed: 505, profile: CILIUM_1_17 });
  const cache1 = hostAddress(NODE_1, NODE_LOCAL_DNS);
  const cache2 = hostAddress(NODE_2, NODE_LOCAL_DNS);
  resolve(cap, { client: CHECKOUT, clientPort: 43_912 }, cache1);
  upstream(cap, NODE_1, 61_024);
  resolve(cap, { client: CATALOG, clientPort: 38_450 }, cache2);
  upstream(cap, NODE_2, 52_877);
  cap.pause(40, 90);
  resolve(cap, { client: CHECKOUT, clientPort: 43_936 }, cache1);
  // A truncated UDP answer makes the resolver retry over TCP.
  const tcp: Conversation = { protocol: "TCP", client: CHECKOUT, server: cache1, clientPort: 44_102, serverPort: 53 };
  tcpSession(cap, leg(tcp), { verdicts: { egress: DNS_EGRESS } });
  cap.pause(20, 60);
  resolve(cap, { client: CATALOG, clientPort: 38_471 }, cache2);
  upstream(cap, NODE_2, 52_911);
  resolve(cap, { client: CATALOG, clientPort: 38_494 }, cache2);
  return cap.responses();
}
