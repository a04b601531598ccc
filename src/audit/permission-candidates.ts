import type { Identity, WorkloadIdentity } from "../flows/index.js";

/** Name of the unobserved pod the over-permission count adds to each namespace. */
export const NEW_POD_NAME = "(new pod)";

const CLUSTER_PREFIX = "k8s:io.cilium.k8s.policy.cluster=";

/**
 * An internet address nobody observed (198.18.0.1, a benchmarking range no real peer
 * uses) with no DNS name: what "open to any address on the internet" is probed with.
 */
export const PROBE: Identity = { kind: "reserved", key: "world:198.18.0.1", entity: "world", ip: "198.18.0.1", dnsNames: [], ciliumLabels: ["reserved:world"] };

/**
 * One pod per namespace with observed workloads, as it would look if deployed tomorrow
 * with no labels of its own: the namespace label, the namespace's labels (taken from
 * the first observed workload of the namespace, by key), the `default` service account,
 * and the cluster label when a workload of the namespace carries one. Sorted by
 * namespace. Its key (`<ns>/Pod/(new pod)`) cannot collide with a real workload's,
 * since Kubernetes names have no parentheses.
 */
export function newPodsOf(workloads: readonly WorkloadIdentity[]): WorkloadIdentity[] {
  const byNamespace = new Map<string, WorkloadIdentity[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespace);
    if (list === undefined) byNamespace.set(w.namespace, [w]);
    else list.push(w);
  }
  return [...byNamespace.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, list]) => newPodIn(namespace, [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))));
}

function newPodIn(namespace: string, workloads: readonly WorkloadIdentity[]): WorkloadIdentity {
  const first = workloads[0];
  const namespaceLabels = first?.namespaceLabels ?? {};
  const withCluster = workloads.find((w) => w.ciliumLabels.some((l) => l.startsWith(CLUSTER_PREFIX)));
  const clusterLabel = withCluster?.ciliumLabels.find((l) => l.startsWith(CLUSTER_PREFIX));
  return {
    kind: "workload",
    key: `${namespace}/Pod/${NEW_POD_NAME}`,
    cluster: withCluster?.cluster ?? "",
    namespace,
    workloadKind: "Pod",
    name: NEW_POD_NAME,
    labels: {},
    namespaceLabels,
    serviceAccount: "default",
    ciliumLabels: [
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
      ...Object.entries(namespaceLabels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
      "k8s:io.cilium.k8s.policy.serviceaccount=default",
      ...(clusterLabel === undefined ? [] : [clusterLabel]),
    ],
  };
}
