import { Capture } from "./capture.js";
import { pod } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { deploymentPodName, lxcName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import { leg, tcpSession } from "./sessions.js";
import type { VerdictSpec } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const EAST_1: NodeRef = { name: "east-worker-1", cluster: "east", ip: "172.20.1.11", routerIp: "10.1.0.17" };
const EAST_2: NodeRef = { name: "east-worker-2", cluster: "east", ip: "172.20.1.12", routerIp: "10.1.1.201" };
const WEST_1: NodeRef = { name: "west-worker-1", cluster: "west", ip: "172.20.2.11", routerIp: "10.2.0.88" };

/** ClusterMesh identities carry the cluster ID in bits 16-23: east is cluster 1, west cluster 2. */
function meshIdentity(clusterId: number, local: number): number {
  return clusterId * 65_536 + local;
}

type Placement = Pick<PodSpec, "node" | "ip" | "podName" | "endpointId" | "identity" | "iface">;

function shopPod(app: string, p: Placement): Pod {
  return pod({ ...p, namespace: "shop", serviceAccount: app, labels: [`app=${app}`], workload: { name: app, kind: "Deployment" } });
}

const FRONTEND = [
  shopPod("frontend", {
    node: EAST_1, ip: "10.1.0.144", podName: deploymentPodName("frontend", "66c8bd9f47", "jw5rt"), endpointId: 812,
    identity: meshIdentity(1, 4_212), iface: { index: 30, name: lxcName("0b4d7f2c9e16") },
  }),
  shopPod("frontend", {
    node: EAST_2, ip: "10.1.1.37", podName: deploymentPodName("frontend", "66c8bd9f47", "pz9xm"), endpointId: 2204,
    identity: meshIdentity(1, 4_212), iface: { index: 12, name: lxcName("e6a18c3f50d7") },
  }),
] as const;

/** `shop/api` in both clusters: same labels except `io.cilium.k8s.policy.cluster`, so two identities. */
const API_EAST = shopPod("api", {
  node: EAST_2, ip: "10.1.1.92", podName: deploymentPodName("api", "7b94cf5d68", "q2lnv"), endpointId: 1471,
  identity: meshIdentity(1, 9_901), iface: { index: 26, name: lxcName("5f03b9e1a7c4") },
});
const API_WEST = shopPod("api", {
  node: WEST_1, ip: "10.2.0.63", podName: deploymentPodName("api", "7b94cf5d68", "hv6kc"), endpointId: 397,
  identity: meshIdentity(2, 2_764), iface: { index: 17, name: lxcName("a92d4e07c1f8") },
});

/** The global Service `shop/api` (annotated `service.cilium.io/global: "true"`) has backends in both clusters. */
const API_SVC = { name: "api", namespace: "shop" } as const;

/** The same policy manifest applied in each cluster: same name, its own uid and revision there. */
function ingress(revision: number, uid: string): VerdictSpec {
  const policy = policyRef({ kind: "CiliumNetworkPolicy", namespace: "shop", name: "api-from-frontend", uid, revision });
  return { verdict: "FORWARDED", policy };
}

const EAST_POLICY = ingress(73, "1c5e9a2f-7d34-4b80-a6e1-3f9b0c2d8e57");
const WEST_POLICY = ingress(41, "8a3f6d1e-2c97-4e05-b4a8-d0e7f19c6b23");

/**
 * A ClusterMesh window: `shop/frontend` pods in cluster `east` call the global Service
 * `shop/api` on TCP 8080, which load-balances to backends in `east` (same cluster, one
 * node over) and in `west` (through the tunnel to the other cluster). Endpoints carry
 * `cluster_name` and the `k8s:io.cilium.k8s.policy.cluster=east|west` label, identities
 * carry the cluster ID, and flows from both clusters' nodes are present, named
 * `east/east-worker-1`, `west/west-worker-1`. Each api's ingress policy allows frontend.
 */
export function twoClusters(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2025-03-11T08:47:26.731904118Z", seed: 909, profile: CILIUM_1_17 });
  const calls = [
    [FRONTEND[0], API_WEST, 40_318, 2], [FRONTEND[0], API_EAST, 40_326, 1], [FRONTEND[1], API_WEST, 35_772, 1],
    [FRONTEND[1], API_EAST, 35_790, 2], [FRONTEND[0], API_WEST, 40_352, 1],
  ] as const;
  for (const [client, server, clientPort, rounds] of calls) {
    const verdict = server === API_WEST ? WEST_POLICY : EAST_POLICY;
    tcpSession(cap, leg({ protocol: "TCP", client, server, clientPort, serverPort: 8080, service: API_SVC }), {
      rounds, verdicts: { ingress: verdict },
    });
    cap.pause(10, 35);
  }
  return cap.responses();
}
