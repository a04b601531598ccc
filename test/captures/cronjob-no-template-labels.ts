import { Capture } from "./capture.js";
import { pod } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { cronJobRunName, deploymentPodName, jobPodName, lxcName, statefulSetPodName } from "./names.js";
import { policyRef } from "./policies.js";
import { CILIUM_1_17 } from "./profile.js";
import type { Conversation } from "./records.js";
import { leg, tcpSession, udpExchange } from "./sessions.js";
import type { GetFlowsResponseJson } from "./wire.js";

const WORKER_1: NodeRef = { name: "k8s-worker-1", cluster: "default", ip: "192.168.10.21", routerIp: "10.0.1.117" };
const WORKER_2: NodeRef = { name: "k8s-worker-2", cluster: "default", ip: "192.168.10.22", routerIp: "10.0.2.203" };
const KUBE_DNS = { name: "kube-dns", namespace: "kube-system" } as const;
const POSTGRES_SVC = { name: "postgres", namespace: "billing" } as const;
const POSTGRES_INGRESS = policyRef({
  kind: "CiliumNetworkPolicy", namespace: "billing", name: "postgres-ingress",
  uid: "7b1f3c2e-5a8d-4e61-9c0a-2d4f6b8e1a37", revision: 58,
});

/** One run of the CronJob `report`, placed on a node. */
interface ReportRun extends Pick<PodSpec, "node" | "ip" | "identity" | "endpointId" | "iface"> {
  /** Scheduled time of the run (RFC 3339, whole minute). */
  readonly scheduled: string;
  /** metadata.uid of the run's Job. */
  readonly controllerUid: string;
  readonly suffix: string;
}

/** A run's pod: its Job's labels are all it has (the job template sets none). */
function reportRun({ scheduled, controllerUid, suffix, ...p }: ReportRun): Pod {
  const job = cronJobRunName("report", scheduled);
  return pod({
    ...p, namespace: "billing", podName: jobPodName(job, suffix), serviceAccount: "report",
    labels: [
      `batch.kubernetes.io/controller-uid=${controllerUid}`, `batch.kubernetes.io/job-name=${job}`,
      `controller-uid=${controllerUid}`, `job-name=${job}`,
    ],
    namespaceLabels: ["team=finance"], workload: { name: "report", kind: "CronJob" },
  });
}

const RUN_0200 = reportRun({
  scheduled: "2024-06-03T02:00:00Z", controllerUid: "3f9a1c7e-2b4d-4e8f-a061-5c7d9e2b4f10", suffix: "x7k2p",
  node: WORKER_1, ip: "10.0.1.212", identity: 51_872, endpointId: 3071, iface: { index: 52, name: lxcName("a3c18e07d5f2") },
});
const RUN_0205 = reportRun({
  scheduled: "2024-06-03T02:05:00Z", controllerUid: "c2e84b16-90d3-4a7f-b5e2-81f6a3c9d705", suffix: "m9w4t",
  node: WORKER_2, ip: "10.0.2.48", identity: 52_019, endpointId: 1466, iface: { index: 41, name: lxcName("6f0b92d4e1a8") },
});

const INVOICE_API = pod({
  node: WORKER_1, ip: "10.0.1.64", namespace: "billing", podName: deploymentPodName("invoice-api", "8df9c67b45", "hb2zq"),
  identity: 33_190, endpointId: 904, serviceAccount: "invoice-api",
  labels: ["app=invoice-api", "app.kubernetes.io/part-of=billing"], namespaceLabels: ["team=finance"],
  workload: { name: "invoice-api", kind: "Deployment" }, iface: { index: 27, name: lxcName("b03e7d1a9c58") },
});

const POSTGRES = pod({
  node: WORKER_2, ip: "10.0.2.19", namespace: "billing", podName: statefulSetPodName("postgres", 0),
  identity: 12_508, endpointId: 215, serviceAccount: "postgres",
  labels: ["app=postgres", "app.kubernetes.io/part-of=billing"], namespaceLabels: ["team=finance"],
  workload: { name: "postgres", kind: "StatefulSet" }, iface: { index: 14, name: lxcName("5d27a8e0f1b3") },
});

const COREDNS = [
  pod({
    node: WORKER_1, ip: "10.0.1.3", namespace: "kube-system", podName: deploymentPodName("coredns", "5d78c9869d", "4kqzr"),
    identity: 3_511, endpointId: 2602, serviceAccount: "coredns", labels: ["k8s-app=kube-dns"],
    workload: { name: "coredns", kind: "Deployment" }, iface: { index: 9, name: lxcName("8c1f40b2e96d") },
  }),
  pod({
    node: WORKER_2, ip: "10.0.2.7", namespace: "kube-system", podName: deploymentPodName("coredns", "5d78c9869d", "sn7v8"),
    identity: 3_511, endpointId: 3340, serviceAccount: "coredns", labels: ["k8s-app=kube-dns"],
    workload: { name: "coredns", kind: "Deployment" }, iface: { index: 9, name: lxcName("f2a6d93c07e1") },
  }),
] as const;

/** A client socket: who, from which port. */
interface From {
  readonly client: Pod;
  readonly clientPort: number;
}

function lookup(cap: Capture, from: From, coredns: Pod): void {
  // glibc sends the A and AAAA questions from one socket: one 5-tuple, two queries, two answers.
  const conv: Conversation = { protocol: "UDP", ...from, server: coredns, serverPort: 53, service: KUBE_DNS };
  udpExchange(cap, leg(conv), { requests: 2 });
}

function query(cap: Capture, from: From, rounds: number): void {
  const conv: Conversation = { protocol: "TCP", ...from, server: POSTGRES, serverPort: 5432, service: POSTGRES_SVC };
  tcpSession(cap, leg(conv), { rounds, verdicts: { ingress: { verdict: "FORWARDED", policy: POSTGRES_INGRESS } } });
}

/**
 * A CronJob `billing/report` whose job pods carry only the Job's labels (`job-name`,
 * `controller-uid` and their `batch.kubernetes.io/` forms, as Kubernetes 1.27+ sets them)
 * and no app label, next to `invoice-api` (Deployment) and `postgres` (StatefulSet) in the
 * same namespace, which do have app labels. Two runs overlap (scheduled 02:00 and 02:05,
 * job names ending in minutes since the epoch); each run's labels differ, so Cilium gives
 * each its own identity. Both runs resolve `postgres` through CoreDNS (UDP 53, A and AAAA)
 * and query it on TCP 5432, which postgres' ingress policy allows (FORWARDED verdicts).
 */
export function cronjobNoTemplateLabels(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2024-06-03T02:05:41.902311870Z", seed: 303, profile: CILIUM_1_17 });
  query(cap, { client: INVOICE_API, clientPort: 39_114 }, 2);
  cap.pause(30, 80);
  lookup(cap, { client: RUN_0200, clientPort: 47_960 }, COREDNS[1]);
  query(cap, { client: RUN_0200, clientPort: 36_402 }, 3);
  cap.pause(40, 90);
  lookup(cap, { client: RUN_0205, clientPort: 55_218 }, COREDNS[0]);
  lookup(cap, { client: RUN_0205, clientPort: 55_233 }, COREDNS[1]);
  query(cap, { client: RUN_0205, clientPort: 44_870 }, 2);
  cap.pause(20, 50);
  query(cap, { client: INVOICE_API, clientPort: 39_152 }, 1);
  return cap.responses();
}
