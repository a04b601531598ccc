import { Capture } from "./capture.js";
import { apiServerPeer, pod } from "./cluster.js";
import type { NodeRef, Peer, Pod, PodSpec } from "./cluster.js";
import { daemonSetPodName, deploymentPodName, lxcName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import { leg, tcpSession } from "./sessions.js";
import type { TcpOptions } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "prod-ap";
function worker(n: number, router: string): NodeRef {
  return { name: `prod-ap-worker-${n}`, cluster: CLUSTER, ip: `10.0.1.${20 + n}`, routerIp: router };
}
const WORKERS = [worker(1, "10.244.1.88"), worker(2, "10.244.2.140"), worker(3, "10.244.3.12")] as const;

/** The three control-plane nodes' InternalIPs, the backends of `default/kubernetes` (10.96.0.1:443 → :6443). */
const API_SERVERS = ["10.0.0.11", "10.0.0.12", "10.0.0.13"].map(apiServerPeer);
const KUBERNETES_SVC = { name: "kubernetes", namespace: "default" } as const;

const OPERATOR = pod({
  node: WORKERS[0], ip: "10.244.1.175", namespace: "platform", podName: deploymentPodName("config-operator", "7c5f9d84b6", "wq2zj"),
  identity: 42_930, endpointId: 1377, serviceAccount: "config-operator",
  labels: ["app.kubernetes.io/name=config-operator", "control-plane=controller-manager"],
  workload: { name: "config-operator", kind: "Deployment" }, iface: { index: 36, name: lxcName("6e1d0a8f4b93") },
});

/** The DaemonSet's pod on one worker. */
interface FluentBit extends Pick<PodSpec, "node" | "ip" | "endpointId"> {
  readonly suffix: string;
  readonly lxc: string;
}

function fluentBit({ suffix, lxc, ...p }: FluentBit): Pod {
  return pod({
    ...p, namespace: "logging", podName: daemonSetPodName("fluent-bit", suffix), identity: 15_268,
    serviceAccount: "fluent-bit", labels: ["app.kubernetes.io/instance=fluent-bit", "app.kubernetes.io/name=fluent-bit"],
    workload: { name: "fluent-bit", kind: "DaemonSet" }, iface: { index: 10 + p.endpointId % 7, name: lxcName(lxc) },
  });
}

const FLUENT_BIT_1 = fluentBit({ node: WORKERS[0], ip: "10.244.1.34", suffix: "x9c4m", endpointId: 603, lxc: "0d3b6f9e2a71" });
const FLUENT_BIT_2 = fluentBit({ node: WORKERS[1], ip: "10.244.2.201", suffix: "2tkvh", endpointId: 2914, lxc: "f5a2c8e17b04" });
const FLUENT_BIT_3 = fluentBit({ node: WORKERS[2], ip: "10.244.3.66", suffix: "bq7nr", endpointId: 178, lxc: "94c1e7d03f6b" });

const OPERATOR_EGRESS = policyRef({
  kind: "CiliumNetworkPolicy", namespace: "platform", name: "config-operator-egress",
  uid: "2f7a9c3e-1d64-4b8a-95e0-7c3d1b6f2a48", revision: 19,
});

/** One connection from `client`, socket-balanced to `server`. */
interface ApiCall {
  readonly client: Pod;
  readonly clientPort: number;
  readonly server: Peer | undefined;
}

function call(cap: Capture, { client, clientPort, server }: ApiCall, options: TcpOptions): void {
  if (server === undefined) throw new Error("no such API server");
  tcpSession(cap, leg({ protocol: "TCP", client, server, clientPort, serverPort: 6443, service: KUBERNETES_SVC }), options);
  cap.pause(5, 25);
}

/**
 * Pods talking to the Kubernetes API: an operator Deployment (egress policy with
 * `toEntities: [kube-apiserver]` on 6443, so FORWARDED egress verdicts naming it) and a
 * DaemonSet with a pod on each worker. Socket load-balancing has already turned
 * `default/kubernetes` 10.96.0.1:443 into one of three control-plane addresses on port
 * 6443, identity 7 (`reserved:kube-apiserver`, and `reserved:remote-node` since the API
 * servers run on cluster nodes); the Service stays as destination_service. SYN and ACK
 * leave TO_STACK, the SYN-ACK (is_reply true) arrives TO_ENDPOINT. Watches stay open.
 */
export function kubeApiserverMulti(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-12-02T03:58:40.004731925Z", seed: 1111, profile: CILIUM_1_17 });
  const egress = { verdicts: { egress: { verdict: "FORWARDED", policy: OPERATOR_EGRESS } } } as const;
  call(cap, { client: OPERATOR, clientPort: 51_262, server: API_SERVERS[0] }, { ...egress, rounds: 2, close: false });
  call(cap, { client: FLUENT_BIT_1, clientPort: 44_980, server: API_SERVERS[1] }, { rounds: 1, close: false });
  call(cap, { client: FLUENT_BIT_2, clientPort: 39_616, server: API_SERVERS[0] }, { rounds: 1, close: false });
  call(cap, { client: OPERATOR, clientPort: 51_288, server: API_SERVERS[2] }, { ...egress, rounds: 1 });
  call(cap, { client: FLUENT_BIT_3, clientPort: 58_402, server: API_SERVERS[2] }, { rounds: 2, close: false });
  call(cap, { client: OPERATOR, clientPort: 51_310, server: API_SERVERS[1] }, { ...egress, rounds: 1 });
  return cap.responses();
}
