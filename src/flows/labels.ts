/**
 * Reading Cilium's label strings (`source:key=value`) and the label hygiene used for
 * identities and recommendations.
 */

/** A parsed Cilium label. `value` is "" for labels without `=`. */
export interface CiliumLabel {
  readonly source: string;
  readonly key: string;
  readonly value: string;
}

/** Splits `k8s:app=web` into source, key and value; a label without a source gets `unknown`. */
export function parseCiliumLabel(label: string): CiliumLabel {
  const eq = label.indexOf("=");
  const head = eq < 0 ? label : label.slice(0, eq);
  const value = eq < 0 ? "" : label.slice(eq + 1);
  // The source is everything before the first ':' of the key part; keys themselves may not
  // contain ':' in Kubernetes, so this is unambiguous for k8s labels.
  const colon = head.indexOf(":");
  if (colon < 0) return { source: "unknown", key: head, value };
  return { source: head.slice(0, colon), key: head.slice(colon + 1), value };
}

/** Prefix Cilium uses to attach the pod's namespace labels to its identity. */
export const NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";
/** Label carrying the pod's namespace. */
export const POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
/** Label carrying the pod's service account. */
export const SERVICE_ACCOUNT_LABEL = "io.cilium.k8s.policy.serviceaccount";
/** Label carrying the Cilium cluster name. */
export const CLUSTER_LABEL = "io.cilium.k8s.policy.cluster";

/**
 * Labels that change with every rollout, restart or job run and so must never be used to
 * identify a workload or select it in a recommended policy. Kubernetes controllers set
 * these: Deployments (pod-template-hash), StatefulSets and DaemonSets
 * (controller-revision-hash, statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index,
 * pod-template-generation), Jobs (job-name, controller-uid and their batch.kubernetes.io/
 * forms, job-completion-index).
 */
const CHURN_LABELS: ReadonlySet<string> = new Set([
  "pod-template-hash",
  "controller-revision-hash",
  "pod-template-generation",
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "job-name",
  "controller-uid",
  "batch.kubernetes.io/job-name",
  "batch.kubernetes.io/controller-uid",
  "batch.kubernetes.io/job-completion-index",
]);

/** True for labels that must not identify or select a workload (see CHURN_LABELS). */
export function isChurnLabel(key: string): boolean {
  return CHURN_LABELS.has(key);
}

/** The parts of an endpoint's label set an identity keeps. */
export interface SortedLabels {
  /** Stable pod labels (k8s source, churn and Cilium bookkeeping labels removed). */
  readonly labels: Record<string, string>;
  readonly namespaceLabels: Record<string, string>;
  /** Every label key before hygiene, for workload-kind hints (e.g. controller-revision-hash). */
  readonly allKeys: ReadonlySet<string>;
  readonly serviceAccount: string;
  /** Value of `job-name` / `batch.kubernetes.io/job-name`; "" when absent. */
  readonly jobName: string;
  readonly cluster: string;
  readonly namespace: string;
  /** Names after `reserved:` (world, host, ...). */
  readonly reserved: readonly string[];
}

/** Sorts an endpoint's Cilium labels into what an identity needs. */
export function sortLabels(ciliumLabels: readonly string[]): SortedLabels {
  const labels: Record<string, string> = {};
  const namespaceLabels: Record<string, string> = {};
  const allKeys = new Set<string>();
  const reserved: string[] = [];
  let serviceAccount = "";
  let jobName = "";
  let cluster = "";
  let namespace = "";
  for (const raw of ciliumLabels) {
    const { source, key, value } = parseCiliumLabel(raw);
    if (source === "reserved") {
      reserved.push(key);
      continue;
    }
    allKeys.add(key);
    if (key.startsWith(NAMESPACE_LABEL_PREFIX)) {
      namespaceLabels[key.slice(NAMESPACE_LABEL_PREFIX.length)] = value;
    } else if (key === POD_NAMESPACE_LABEL) {
      namespace = value;
    } else if (key === SERVICE_ACCOUNT_LABEL) {
      serviceAccount = value;
    } else if (key === "job-name" || key === "batch.kubernetes.io/job-name") {
      jobName = value;
    } else if (key === CLUSTER_LABEL) {
      cluster = value;
    } else if (source === "k8s" && !key.startsWith("io.cilium.") && !isChurnLabel(key)) {
      labels[key] = value;
    }
  }
  return { labels, namespaceLabels, allKeys, serviceAccount, jobName, cluster, namespace, reserved };
}
