import { Capture } from "./capture.js";
import { pod, unmanagedPod, worldPeer } from "./cluster.js";
import type { NodeRef } from "./cluster.js";
import { deploymentPodName, lxcName } from "./names.js";
import { CILIUM_1_17 } from "./profile.js";
import { leg, tcpSession } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "prod-eu";
const WORKER_1: NodeRef = { name: "prod-eu-worker-1", cluster: CLUSTER, ip: "10.20.1.34", routerIp: "10.244.1.200" };
const WORKER_2: NodeRef = { name: "prod-eu-worker-2", cluster: CLUSTER, ip: "10.20.1.35", routerIp: "10.244.2.81" };

/** `legacy/batch-runner` runs in the node pool `legacy-pool` (pod CIDR 10.244.9.0/24), which has no Cilium agent. */
const WORLD_POD = unmanagedPod({
  ip: "10.244.9.23", namespace: "legacy", podName: deploymentPodName("batch-runner", "5c8d7b9f64", "hq4zt"),
});

const API = pod({
  node: WORKER_1, ip: "10.244.1.57", namespace: "shop", podName: deploymentPodName("api", "6f7d9c4b85", "m2xkp"),
  identity: 21_334, endpointId: 1187, serviceAccount: "api", labels: ["app=api", "tier=backend"],
  workload: { name: "api", kind: "Deployment" }, iface: { index: 31, name: lxcName("4be1c09d7a23") },
});

const SCANNER = pod({
  node: WORKER_2, ip: "10.244.2.19", namespace: "ops", podName: deploymentPodName("scanner", "84b5c6d79f", "t9wln"),
  identity: 40_107, endpointId: 352, serviceAccount: "scanner", labels: ["app=scanner"],
  namespaceLabels: ["team=platform"], workload: { name: "scanner", kind: "Deployment" },
  iface: { index: 18, name: lxcName("91d0f3ae6c54") },
});

/** An address on the internet, for contrast: world without a pod name. */
const EXTERNAL = worldPeer("52.94.236.248");

/**
 * A pod Hubble names (`legacy/batch-runner-…`) whose security identity is 2 with labels
 * `["reserved:world"]`, as Cilium reports pods it does not manage (a node pool without the
 * agent, or a pod whose identity was not resolved): Hubble takes namespace and pod name
 * from its Kubernetes pod cache, the identity from the ipcache, which has no entry. The
 * pod dials `shop/api` on TCP 8080 (delivered TO_ENDPOINT, answered TO_STACK) and is
 * dialled by `ops/scanner` on TCP 9000 (TO_STACK out, replies TO_ENDPOINT); the scanner
 * also reaches an internet address on 443. No policy is enforced, so there are no verdicts.
 */
export function worldIdentityPod(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-05-14T09:30:12.118204551Z", seed: 101, profile: CILIUM_1_17 });
  for (const [clientPort, rounds] of [[41_822, 2], [41_836, 1], [41_850, 3]] as const) {
    tcpSession(cap, leg({ protocol: "TCP", client: WORLD_POD, server: API, clientPort, serverPort: 8080 }), { rounds });
    cap.pause(20, 60);
  }
  for (const clientPort of [52_310, 52_318]) {
    tcpSession(cap, leg({ protocol: "TCP", client: SCANNER, server: WORLD_POD, clientPort, serverPort: 9000 }));
    cap.pause(10, 40);
  }
  tcpSession(cap, leg({ protocol: "TCP", client: SCANNER, server: EXTERNAL, clientPort: 52_344, serverPort: 443 }), { rounds: 2 });
  return cap.responses();
}
