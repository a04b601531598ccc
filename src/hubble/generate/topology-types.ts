import type { ServedWorkload } from "./base-app.js";
import type { EndpointJson } from "./jsonpb.js";

/** A Cilium node of the synthetic cluster. */
export interface NodeInfo {
  /** Name as Hubble prints it in `node_name` (`cluster/node` outside cluster "default"). */
  readonly name: string;
  /** Node InternalIP. */
  readonly ip: string;
  /** Pod CIDR's first three octets, e.g. "10.244.3". */
  readonly podPrefix: string;
  readonly host: PeerInstance;
  readonly remoteNode: PeerInstance;
  readonly health: PeerInstance;
}

/** What a peer is, which decides where Cilium can observe its packets. */
export type PeerRole = "pod" | "health" | "host" | "remote-node" | "external";

/** One concrete peer address: a pod, a node-level reserved entity, or an external IP. */
export interface PeerInstance {
  readonly role: PeerRole;
  readonly ip: string;
  /** Node the peer lives on; undefined for peers outside the cluster's Cilium nodes. */
  readonly node: NodeInfo | undefined;
  /** Endpoint as Hubble reports it on the peer's own node (with the endpoint `ID`). */
  readonly local: EndpointJson;
  /** Endpoint as reported on any other node (no `ID`). */
  readonly remote: EndpointJson;
  readonly mac: string;
  /** Host-side veth of a pod; undefined for non-pod peers. */
  readonly iface: { readonly index: number; readonly name: string } | undefined;
}

/** A workload with its pods and the Kubernetes Service in front of it. */
export interface WorkloadInstance {
  readonly spec: ServedWorkload;
  readonly pods: readonly PeerInstance[];
  /** ClusterIP of the workload's Service; undefined when it has none. */
  readonly serviceIp: string | undefined;
}

/** The materialized cluster. */
export interface Topology {
  readonly clusterName: string;
  readonly nodes: readonly NodeInfo[];
  /** Keyed by `namespace/name`. */
  readonly workloads: ReadonlyMap<string, WorkloadInstance>;
  readonly apiserver: PeerInstance;
  readonly apiserverServiceIp: string;
  /** One peer per external IP, keyed by FQDN. */
  readonly world: ReadonlyMap<string, readonly PeerInstance[]>;
  /** Anonymous internet clients (no DNS name). */
  readonly internetClients: readonly PeerInstance[];
}
