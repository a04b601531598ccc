/**
 * The declarative model of the synthetic cluster: which workloads exist and who talks to
 * whom. `topology.ts` turns it into concrete nodes, pods, IPs and Cilium identities.
 */

/** Owner kinds Hubble reports in `workloads`. */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob";

/** A workload to run; its pods get Cilium-style labels derived from these fields. */
export interface WorkloadSpec {
  readonly namespace: string;
  readonly name: string;
  readonly kind: WorkloadKind;
  /** Pod count; ignored for DaemonSets, which run one pod per node. */
  readonly replicas: number;
  /** Extra pod labels as `key=value` (the `app.kubernetes.io/name` label is always added). */
  readonly labels: readonly string[];
  readonly serviceAccount: string;
  /** Port Prometheus scrapes; undefined when the workload exposes no metrics. */
  readonly metricsPort: number | undefined;
  /** Kubernetes Service fronting the pods; undefined for workloads nobody dials by name. */
  readonly service: string | undefined;
}

/** Reserved Cilium entities the generator uses as peers. */
export type ReservedEntity = "world" | "host" | "remote-node" | "kube-apiserver" | "health";

/** One side of an intended edge. */
export type PeerRef =
  | { readonly kind: "workload"; readonly namespace: string; readonly name: string }
  | { readonly kind: "reserved"; readonly entity: ReservedEntity; readonly fqdn?: string };

/**
 * How a connection on an edge looks on the wire: plain TCP, TCP whose requests the L7
 * proxy records as HTTP, or DNS over UDP through Cilium's DNS proxy.
 */
export type SessionKind = "tcp" | "http" | "dns";

/**
 * What policy does to the edge: allowed, dropped with POLICY_DENIED at the destination's
 * ingress or at the source's egress, or allowed in policy-audit mode (verdict AUDIT).
 */
export type Enforcement = "allow" | "deny-ingress" | "deny-egress" | "audit";

/** An intended edge of the application graph. */
export interface EdgeSpec {
  readonly source: PeerRef;
  readonly destination: PeerRef;
  readonly protocol: "TCP" | "UDP";
  readonly port: number;
  readonly session: SessionKind;
  readonly enforcement: Enforcement;
  /** Relative share of new connections on this edge. */
  readonly weight: number;
}

/** A namespace with the extra labels Cilium exposes as `io.cilium.k8s.namespace.labels.*`. */
export interface NamespaceSpec {
  readonly name: string;
  readonly labels: readonly string[];
}

/** The whole application: namespaces, workloads and intended edges. */
export interface AppSpec {
  readonly namespaces: readonly NamespaceSpec[];
  readonly workloads: readonly WorkloadSpec[];
  readonly edges: readonly EdgeSpec[];
  /** External FQDNs and the addresses their DNS answers return. */
  readonly fqdns: ReadonlyMap<string, readonly string[]>;
}

/** Shorthand for a workload peer. */
export function workloadPeer(namespace: string, name: string): PeerRef {
  return { kind: "workload", namespace, name };
}

/** Text form of a peer used in edge keys: `ns/name`, `reserved:world` or `reserved:world(fqdn)`. */
export function peerText(peer: PeerRef): string {
  if (peer.kind === "workload") return `${peer.namespace}/${peer.name}`;
  return peer.fqdn === undefined ? `reserved:${peer.entity}` : `reserved:${peer.entity}(${peer.fqdn})`;
}
