import { Capture } from "./capture.js";
import { pod } from "./cluster.js";
import type { NodeRef, Pod } from "./cluster.js";
import { deploymentPodName, lxcName, statefulSetPodName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import type { Conversation } from "./records.js";
import { leg, tcpSession, udpExchange } from "./sessions.js";
import type { Verdicts } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "prod";
const NODE_1: NodeRef = { name: "prod-node-1", cluster: CLUSTER, ip: "10.10.0.21", routerIp: "10.11.0.129" };
const NODE_2: NodeRef = { name: "prod-node-2", cluster: CLUSTER, ip: "10.10.0.22", routerIp: "10.11.1.6" };

const ETL = pod({
  node: NODE_1, ip: "10.11.0.52", namespace: "batch", podName: deploymentPodName("etl", "85f6cd79b4", "dq7ln"),
  identity: 36_114, endpointId: 1958, serviceAccount: "etl", labels: ["app=etl"], workload: { name: "etl", kind: "Deployment" },
  iface: { index: 33, name: lxcName("d4e9b2071fa6") },
});
/** PostgreSQL on 5432 with a postgres-exporter sidecar on 9187. */
const WAREHOUSE = pod({
  node: NODE_2, ip: "10.11.1.140", namespace: "data", podName: statefulSetPodName("warehouse", 0),
  identity: 20_877, endpointId: 733, serviceAccount: "warehouse", labels: ["app=warehouse"],
  workload: { name: "warehouse", kind: "StatefulSet" }, iface: { index: 15, name: lxcName("83c07f5e1ab9") },
});
const REDIS = pod({
  node: NODE_1, ip: "10.11.0.97", namespace: "data", podName: statefulSetPodName("redis-master", 0),
  identity: 5_630, endpointId: 2487, serviceAccount: "redis",
  labels: ["app.kubernetes.io/name=redis", "app.kubernetes.io/component=master"],
  workload: { name: "redis-master", kind: "StatefulSet" }, iface: { index: 38, name: lxcName("f10a6c3d92e7") },
});
const COREDNS = pod({
  node: NODE_2, ip: "10.11.1.2", namespace: "kube-system", podName: deploymentPodName("coredns", "76f75df574", "5nbxk"),
  identity: 102, endpointId: 41, serviceAccount: "coredns", labels: ["k8s-app=kube-dns"],
  workload: { name: "coredns", kind: "Deployment" }, iface: { index: 7, name: lxcName("2a95e08b7d3c") },
});

const ETL_EGRESS = policyRef({
  kind: "CiliumNetworkPolicy", namespace: "batch", name: "etl-egress",
  uid: "5b8e2d14-a6f3-49c7-8d20-e1f7c3a9b065", revision: 87,
});
const WAREHOUSE_INGRESS = policyRef({
  kind: "NetworkPolicy", namespace: "data", name: "warehouse-ingress",
  uid: "c7d1f940-2e6b-4a85-b3f8-09a5e4c1d672", revision: 64,
});

/** A `data` Service and the pod behind it. */
interface Target {
  readonly server: Pod;
  readonly serverPort: number;
  readonly service: string;
}

const POSTGRES: Target = { server: WAREHOUSE, serverPort: 5432, service: "warehouse" };
const METRICS: Target = { server: WAREHOUSE, serverPort: 9187, service: "warehouse-metrics" };
const CACHE: Target = { server: REDIS, serverPort: 6379, service: "redis-master" };

/** A TCP connection from etl to `to`. */
function tcp(to: Target, clientPort: number): Conversation {
  const service = { name: to.service, namespace: "data" };
  return { protocol: "TCP", client: ETL, server: to.server, clientPort, serverPort: to.serverPort, service };
}

/**
 * Policy audit mode (`policy-audit-mode: true`): connections that policy would deny get
 * a policy-verdict event with verdict AUDIT (no match, so no `policy_match_type`) and are
 * then traced FORWARDED like any other. `batch/etl` reaches `data/warehouse` on 5432
 * (allowed by both etl's egress and warehouse's ingress policy: FORWARDED verdicts) and
 * on 9187 (egress allowed by an L3-only rule, ingress AUDIT), and `data/redis-master` on
 * 6379 (egress AUDIT; redis has no policy, so no ingress verdict), and resolves names via
 * CoreDNS (egress allowed).
 */
export function auditVerdicts(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-08-27T22:10:04.518730645Z", seed: 1010, profile: CILIUM_1_17 });
  const allowed: Verdicts = {
    egress: { verdict: "FORWARDED", policy: ETL_EGRESS },
    ingress: { verdict: "FORWARDED", policy: WAREHOUSE_INGRESS },
  };
  const dns: Conversation = {
    protocol: "UDP", client: ETL, server: COREDNS, clientPort: 49_817, serverPort: 53,
    service: { name: "kube-dns", namespace: "kube-system" },
  };
  udpExchange(cap, leg(dns), { requests: 2, verdicts: { egress: { verdict: "FORWARDED", matchType: 3, policy: ETL_EGRESS } } });
  const audited: Verdicts = { egress: { verdict: "AUDIT" } };
  tcpSession(cap, leg(tcp(POSTGRES, 37_204)), { rounds: 3, verdicts: allowed });
  cap.pause(20, 60);
  tcpSession(cap, leg(tcp(METRICS, 37_230)), {
    verdicts: { egress: { verdict: "FORWARDED", matchType: 1, policy: ETL_EGRESS }, ingress: { verdict: "AUDIT" } },
  });
  cap.pause(20, 60);
  tcpSession(cap, leg(tcp(CACHE, 45_871)), { rounds: 2, verdicts: audited });
  cap.pause(20, 60);
  tcpSession(cap, leg(tcp(POSTGRES, 37_262)), { verdicts: allowed });
  tcpSession(cap, leg(tcp(CACHE, 45_890)), { verdicts: audited });
  return cap.responses();
}
