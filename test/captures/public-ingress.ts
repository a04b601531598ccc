import { Capture } from "./capture.js";
import { pod, worldPeer } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { deploymentPodName, lxcName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import { leg, tcpOpen, tcpRound } from "./sessions.js";
import type { VerdictSpec } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "prod-web";
const NODE_1: NodeRef = { name: "web-pool-1", cluster: CLUSTER, ip: "10.30.0.11", routerIp: "10.31.0.203" };
const NODE_2: NodeRef = { name: "web-pool-2", cluster: CLUSTER, ip: "10.30.0.12", routerIp: "10.31.1.58" };
const NODE_3: NodeRef = { name: "web-pool-3", cluster: CLUSTER, ip: "10.30.0.13", routerIp: "10.31.2.144" };

type Placement = Pick<PodSpec, "node" | "ip" | "podName" | "endpointId" | "iface">;

function controller(p: Placement): Pod {
  return pod({
    ...p, namespace: "ingress-nginx", identity: 29_915, serviceAccount: "ingress-nginx",
    labels: ["app.kubernetes.io/component=controller", "app.kubernetes.io/instance=ingress-nginx", "app.kubernetes.io/name=ingress-nginx"],
    workload: { name: "ingress-nginx-controller", kind: "Deployment" },
  });
}

const CONTROLLERS = [
  controller({
    node: NODE_1, ip: "10.31.0.26", podName: deploymentPodName("ingress-nginx-controller", "5f8d6c9b47", "kz4pw"), endpointId: 1642,
    iface: { index: 21, name: lxcName("8d2f5b0e9a61") },
  }),
  controller({
    node: NODE_2, ip: "10.31.1.181", podName: deploymentPodName("ingress-nginx-controller", "5f8d6c9b47", "m7q2x"), endpointId: 350,
    iface: { index: 28, name: lxcName("1c6a9e3f70b2") },
  }),
] as const;

const WEB = pod({
  node: NODE_3, ip: "10.31.2.73", namespace: "shop", podName: deploymentPodName("web", "9c7b5f6d48", "t2vns"),
  identity: 13_482, endpointId: 926, serviceAccount: "web", labels: ["app=web"],
  workload: { name: "web", kind: "Deployment" }, iface: { index: 17, name: lxcName("b5e0d7a29c43") },
});

const LB_SVC = { name: "ingress-nginx-controller", namespace: "ingress-nginx" } as const;
const WEB_SVC = { name: "web", namespace: "shop" } as const;
const PUBLIC: VerdictSpec = {
  verdict: "FORWARDED",
  policy: policyRef({
    kind: "CiliumNetworkPolicy", namespace: "ingress-nginx", name: "allow-public-http",
    uid: "3e9d7b2c-6a1f-4c58-8e04-b7f2a9d1c635", revision: 205,
  }),
};
const WEB_FROM_INGRESS: VerdictSpec = {
  verdict: "FORWARDED",
  policy: policyRef({
    kind: "CiliumNetworkPolicy", namespace: "shop", name: "web-from-ingress",
    uid: "a0c4e8f2-9b37-4d61-85fa-2e6d3c7b1904", revision: 188,
  }),
};

/** Forty internet clients: documentation ranges (RFC 5737), as no real user is meant. */
function internetAddresses(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 40; i++) {
    const block = ["203.0.113", "198.51.100", "192.0.2"][i % 3] ?? "203.0.113";
    out.push(`${block}.${(i * 37 + 11) % 250 + 3}`);
  }
  return out;
}

/**
 * A public ingress: the `ingress-nginx` controller Deployment (two pods behind a
 * LoadBalancer with `externalTrafficPolicy: Local`, so client addresses are kept) receives
 * TCP 443 and 80 from 40 internet addresses, identity 2 `reserved:world`, each allowed by
 * the controller's `fromEntities: [world]` policy (FORWARDED ingress verdicts); most
 * clients are seen for their handshake only, some for a request, which the controller
 * forwards over a kept-alive connection to `shop/web` on TCP 8080 on another node,
 * allowed by web's ingress policy. Two
 * scanners try SSH on the controller and are denied (DROPPED verdict, POLICY_DENIED drop,
 * one SYN retransmission).
 */
export function publicIngress(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-07-09T19:26:51.090337104Z", seed: 1212, profile: CILIUM_1_17 });
  // nginx keeps one upstream connection per controller alive and reuses it for each request.
  const upstreams = CONTROLLERS.map((controller, i) => {
    const conv = {
      protocol: "TCP", client: controller, server: WEB, clientPort: 41_006 + i * 1_322, serverPort: 8080, service: WEB_SVC,
    } as const;
    return { l: leg(conv), open: false };
  });
  internetAddresses().forEach((address, i) => {
    const server = CONTROLLERS[i % 2] ?? CONTROLLERS[0];
    const conv = {
      protocol: "TCP", client: worldPeer(address), server, clientPort: cap.random.between(32_768, 60_999),
      serverPort: i % 4 === 3 ? 80 : 443, service: LB_SVC,
    } as const;
    const l = leg(conv);
    tcpOpen(cap, l, { verdicts: { ingress: PUBLIC } });
    const upstream = upstreams[i % 2];
    if (i % 5 === 0 && upstream !== undefined) {
      tcpRound(cap, l, () => {
        if (!upstream.open) upstream.open = tcpOpen(cap, upstream.l, { verdicts: { ingress: WEB_FROM_INGRESS } });
        tcpRound(cap, upstream.l);
      });
    }
    cap.pause(2, 9);
  });
  for (const address of ["203.0.113.254", "198.51.100.254"]) {
    const probe = {
      protocol: "TCP", client: worldPeer(address), server: CONTROLLERS[0], clientPort: cap.random.between(40_000, 65_000), serverPort: 22,
    } as const;
    tcpOpen(cap, leg(probe), { verdicts: { ingress: { verdict: "DROPPED" } }, retries: 1 });
  }
  return cap.responses();
}
