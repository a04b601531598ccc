/**
 * Who a peer is, stable across pod restarts: a workload (namespace + owning controller),
 * or one of Cilium's reserved entities. Identities are what the graph stores and what
 * policies are recommended for.
 */

/**
 * Cilium's reserved identities (`reserved:<name>` labels), plus `unknown` for peers Hubble
 * could not identify (no labels, identity 0).
 */
export type ReservedEntity =
  | "world"
  | "host"
  | "remote-node"
  | "kube-apiserver"
  | "health"
  | "ingress"
  | "init"
  | "unmanaged"
  | "unknown";

/** A Kubernetes workload: pods that share an owner count as one identity. */
export interface WorkloadIdentity {
  readonly kind: "workload";
  /** Stable key: `namespace/Kind/name`. */
  readonly key: string;
  /** Cilium cluster name; "" when not reported or `default`. */
  readonly cluster: string;
  readonly namespace: string;
  /**
   * Owner kind: Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, Pod for bare
   * pods, or Identity for a security identity seen only without a pod (see POD_LESS_KIND).
   */
  readonly workloadKind: string;
  readonly name: string;
  /** Kubernetes pod labels minus churn labels (pod-template-hash and the like). */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of the pod's namespace, from Cilium's `io.cilium.k8s.namespace.labels.*`. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Service account from `io.cilium.k8s.policy.serviceaccount`; "" when not reported. */
  readonly serviceAccount: string;
  /**
   * The full Cilium label set last observed (`source:key=value`). Policy evaluation uses
   * this, never the cleaned `labels`, so label hygiene cannot change a verdict.
   */
  readonly ciliumLabels: readonly string[];
}

/** A reserved entity; for `world`, one identity per external address. */
export interface ReservedIdentity {
  readonly kind: "reserved";
  /** `reserved:<entity>`, or `world:<ip>` for external peers. */
  readonly key: string;
  readonly entity: ReservedEntity;
  /** The peer address for world (and unknown) peers; "" otherwise. */
  readonly ip: string;
  /** DNS names Hubble knew for the address (from the DNS proxy); empty when none. */
  readonly dnsNames: readonly string[];
  readonly ciliumLabels: readonly string[];
  /**
   * `namespace/pod` when Hubble named a pod for this address although its security identity
   * is a reserved one (a world-identity pod, e.g. on a node Cilium does not manage);
   * undefined when Hubble named none.
   */
  readonly pod?: string;
}

export type Identity = WorkloadIdentity | ReservedIdentity;

/** A short human label: `ns/name` for workloads, the entity (and address) otherwise. */
export function describeIdentity(identity: Identity): string {
  switch (identity.kind) {
    case "workload":
      return `${identity.namespace}/${identity.name}`;
    case "reserved":
      return identity.ip ? `${identity.entity}(${identity.ip})` : identity.entity;
    default: {
      const never: never = identity;
      return never;
    }
  }
}
