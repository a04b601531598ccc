import { Capture } from "./capture.js";
import { pod, worldPeer } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { deploymentPodName, lxcName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import { icmpEcho, leg } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "lab";
const WORKER_1: NodeRef = { name: "lab-worker-1", cluster: CLUSTER, ip: "192.168.56.11", routerIp: "10.244.1.161" };
const WORKER_2: NodeRef = { name: "lab-worker-2", cluster: CLUSTER, ip: "192.168.56.12", routerIp: "10.244.2.54" };

/** A dual-stack pod: the same endpoint and identity behind an IPv4 and an IPv6 address. */
function dualStack(spec: Omit<PodSpec, "ip">, ipv4: string, ipv6: string): { readonly v4: Pod; readonly v6: Pod } {
  return { v4: pod({ ...spec, ip: ipv4 }), v6: pod({ ...spec, ip: ipv6 }) };
}

const NETSHOOT = dualStack({
  node: WORKER_1, namespace: "diag", podName: deploymentPodName("netshoot", "6c8b9f47d5", "vn2qx"), identity: 7_341,
  endpointId: 2519, serviceAccount: "default", labels: ["app=netshoot"], workload: { name: "netshoot", kind: "Deployment" },
  iface: { index: 44, name: lxcName("1e7c5a09f3b2") },
}, "10.244.1.230", "fd00:10:244:1::e6");

const API = dualStack({
  node: WORKER_2, namespace: "shop", podName: deploymentPodName("api", "5d7f8c96b4", "k4rpz"), identity: 26_059,
  endpointId: 1088, serviceAccount: "api", labels: ["app=api"], workload: { name: "api", kind: "Deployment" },
  iface: { index: 19, name: lxcName("7b20e4d9c6a1") },
}, "10.244.2.17", "fd00:10:244:2::11");

const WEB = dualStack({
  node: WORKER_1, namespace: "shop", podName: deploymentPodName("web", "b7c9d5f486", "s8m2w"), identity: 11_723,
  endpointId: 640, serviceAccount: "web", labels: ["app=web"], workload: { name: "web", kind: "Deployment" },
  iface: { index: 23, name: lxcName("c3f9a61d08e5") },
}, "10.244.1.58", "fd00:10:244:1::3a");

const ALLOW_PING = policyRef({
  kind: "CiliumNetworkPolicy", namespace: "shop", name: "api-allow-ping",
  uid: "94e2c7a1-3b58-4d06-8f1e-6a0c2d9b7e43", revision: 31,
});

/**
 * ICMP echo: ICMPv4 request/reply (type 8 / 0) from `diag/netshoot` to `shop/api` on
 * another node (TO_OVERLAY and TO_ENDPOINT; api's ingress policy allows it on the first
 * echo) and to the internet address 1.1.1.1 (TO_STACK out, replies TO_ENDPOINT from
 * world), and ICMPv6 echo (128 / 129) from netshoot to `shop/web` on the same node
 * (TO_ENDPOINT only). Replies carry is_reply true. An echo reply's type is 0, so protojson
 * prints its layer 4 as `{"ICMPv4":{}}`.
 */
export function icmp(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2025-01-21T10:03:58.250017332Z", seed: 808, profile: CILIUM_1_17 });
  const echo = { clientPort: 0, serverPort: 0 } as const;
  icmpEcho(cap, leg({ protocol: "ICMPv4", client: NETSHOOT.v4, server: API.v4, ...echo }), {
    count: 4, verdicts: { ingress: { verdict: "FORWARDED", policy: ALLOW_PING } },
  });
  cap.pause(500, 900);
  icmpEcho(cap, leg({ protocol: "ICMPv4", client: NETSHOOT.v4, server: worldPeer("1.1.1.1"), ...echo }), { count: 3 });
  cap.pause(500, 900);
  icmpEcho(cap, leg({ protocol: "ICMPv6", client: NETSHOOT.v6, server: WEB.v6, ...echo }), { count: 4 });
  return cap.responses();
}
