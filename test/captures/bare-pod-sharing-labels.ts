import { Capture } from "./capture.js";
import { pod } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { deploymentPodName, lxcName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import { leg, tcpSession } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "staging";
const NODE_A: NodeRef = { name: "staging-node-a", cluster: CLUSTER, ip: "10.40.0.11", routerIp: "10.42.0.142" };
const NODE_B: NodeRef = { name: "staging-node-b", cluster: CLUSTER, ip: "10.40.0.12", routerIp: "10.42.1.9" };
const NODE_C: NodeRef = { name: "staging-node-c", cluster: CLUSTER, ip: "10.40.0.13", routerIp: "10.42.2.250" };
const API_SVC = { name: "api", namespace: "web" } as const;
const API_INGRESS = policyRef({
  kind: "CiliumNetworkPolicy", namespace: "web", name: "api-from-web",
  uid: "e4a1b7c3-6d20-4f95-8b3e-0a9c5d7f2e61", revision: 112,
});

type Placement = Pick<PodSpec, "node" | "ip" | "podName" | "endpointId" | "iface">;

/** Deployment `web`: app=web, tier=frontend, service account `web`. */
function webPod(p: Placement): Pod {
  return pod({
    ...p, namespace: "web", identity: 14_022, serviceAccount: "web", labels: ["app=web", "tier=frontend"],
    workload: { name: "web", kind: "Deployment" },
  });
}

const WEB = [
  webPod({
    node: NODE_A, ip: "10.42.0.77", podName: deploymentPodName("web", "7d4b9c8f56", "x2k9p"), endpointId: 1290,
    iface: { index: 22, name: lxcName("a1f0c93e5b27") },
  }),
  webPod({
    node: NODE_B, ip: "10.42.1.163", podName: deploymentPodName("web", "7d4b9c8f56", "lq8rv"), endpointId: 611,
    iface: { index: 35, name: lxcName("3c9e7b05d1fa") },
  }),
] as const;

/**
 * A bare Pod (no owner: Cilium reports the pod itself as its workload) with the same
 * app/tier labels, started by hand with another service account; the service account is
 * part of the identity, so it gets an identity of its own.
 */
const WEB_DEBUG = pod({
  node: NODE_B, ip: "10.42.1.201", namespace: "web", podName: "web-debug", identity: 61_457, endpointId: 2871,
  serviceAccount: "debug", labels: ["app=web", "tier=frontend"], workload: { name: "web-debug", kind: "Pod" },
  iface: { index: 47, name: lxcName("e8d24a6f1c90") },
});

const API = [NODE_A, NODE_C].map((node, i) => pod({
  node, ip: i === 0 ? "10.42.0.35" : "10.42.2.118", namespace: "web",
  podName: deploymentPodName("api", "64f8d9b7c5", i === 0 ? "wz5tn" : "g7hkd"), identity: 8_806, endpointId: i === 0 ? 455 : 1703,
  serviceAccount: "api", labels: ["app=api", "tier=backend"], workload: { name: "api", kind: "Deployment" },
  iface: { index: i === 0 ? 16 : 29, name: lxcName(i === 0 ? "7f3a0d9b2e64" : "c05b8e1d7a39") },
}));

function call(cap: Capture, from: { readonly client: Pod; readonly clientPort: number; readonly server: Pod }, rounds: number): void {
  const conv = { protocol: "TCP", ...from, serverPort: 8080, service: API_SVC } as const;
  tcpSession(cap, leg(conv), { rounds, verdicts: { ingress: { verdict: "FORWARDED", policy: API_INGRESS } } });
  cap.pause(8, 30);
}

/**
 * A Deployment `web` (app=web, tier=frontend, service account `web`) and a bare Pod
 * `web-debug` with exactly the same app/tier labels but service account `debug`, both
 * dialling `web/api` on TCP 8080 through the `api` Service. api's ingress policy selects
 * `app=web`, so both are allowed by the same rule (FORWARDED verdicts naming it); only the
 * service account (and so the identity number) and the owner tell the callers apart.
 */
export function barePodSharingLabels(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-09-18T14:21:07.440918203Z", seed: 404, profile: CILIUM_1_17 });
  const [apiA, apiC] = API;
  if (apiA === undefined || apiC === undefined) throw new Error("two api pods expected");
  call(cap, { client: WEB[0], server: apiA, clientPort: 46_118 }, 2);
  call(cap, { client: WEB[1], server: apiC, clientPort: 33_904 }, 1);
  call(cap, { client: WEB_DEBUG, server: apiA, clientPort: 58_230 }, 1);
  call(cap, { client: WEB[0], server: apiC, clientPort: 46_150 }, 1);
  call(cap, { client: WEB_DEBUG, server: apiC, clientPort: 58_262 }, 2);
  call(cap, { client: WEB[1], server: apiA, clientPort: 33_940 }, 1);
  return cap.responses();
}
