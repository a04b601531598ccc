/**
 * Nodes and peers of a hand-built capture, and how Hubble prints each peer on a given
 * node: a pod is printed with its endpoint `ID` only on its own node; a node's addresses
 * are `reserved:host` on that node and `reserved:remote-node` everywhere else.
 */
import { macFor } from "./names.js";
import type { HubbleProfile } from "./profile.js";
import type { EndpointJson, InterfaceJson, WorkloadJson } from "./wire.js";

/** A Kubernetes node running a Cilium agent (and a Hubble server). */
export interface NodeRef {
  /** Kubernetes node name. */
  readonly name: string;
  /** Cilium cluster name (`cluster-name`), also in `io.cilium.k8s.policy.cluster`. */
  readonly cluster: string;
  /** InternalIP. */
  readonly ip: string;
  /** The `cilium_host` router address, taken from the node's pod CIDR. */
  readonly routerIp: string;
}

/** `node_name` as Hubble prints it for flows observed on `node`. */
export function hubbleNodeName(node: NodeRef, profile: HubbleProfile): string {
  return profile.clusterNodeNames && node.cluster !== "default" ? `${node.cluster}/${node.name}` : node.name;
}

function sameNode(a: NodeRef | undefined, b: NodeRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.name === b.name && a.cluster === b.cluster;
}

/** Whether a peer appears as the sender or the receiver of the packet being printed. */
export type PeerRole = "source" | "destination";

/** One address in a conversation and what Cilium knows about it. */
export interface Peer {
  readonly ip: string;
  readonly mac: string;
  /** Node on which the peer is a Cilium endpoint (pods); undefined for every other peer. */
  readonly endpointNode: NodeRef | undefined;
  /** Node whose own address this is: what it sends is that node's host traffic. */
  readonly hostNode: NodeRef | undefined;
  /** Node whose pod CIDR holds the address, so that other nodes reach it through the tunnel. */
  readonly overlayNode: NodeRef | undefined;
  /** Host-side veth of an endpoint; undefined for other peers. */
  readonly iface: InterfaceJson | undefined;
  /** The endpoint Hubble prints for this peer in a flow observed on `observer`. */
  readonly view: (observer: NodeRef, role: PeerRole, profile: HubbleProfile) => EndpointJson;
}

/** `reserved:host` (1): the observing node itself. Identity numbers are Cilium's reserved list. */
export const HOST: EndpointJson = { identity: 1, labels: ["reserved:host"] };
/** `reserved:world` (2): anything the ipcache does not know. */
export const WORLD: EndpointJson = { identity: 2, labels: ["reserved:world"] };
/** `reserved:remote-node` (6): another node of the cluster. */
export const REMOTE_NODE: EndpointJson = { identity: 6, labels: ["reserved:remote-node"] };
/**
 * Identity 7 is given to the addresses of nodes that run a kube-apiserver backend: a remote
 * node that is also the API server, hence both labels.
 */
export const KUBE_APISERVER: EndpointJson = { identity: 7, labels: ["reserved:kube-apiserver", "reserved:remote-node"] };

/** What a pod is, as the Cilium agent on its node knows it. */
export interface PodSpec {
  readonly node: NodeRef;
  readonly ip: string;
  readonly namespace: string;
  readonly podName: string;
  readonly identity: number;
  /** Endpoint ID, unique per node. */
  readonly endpointId: number;
  readonly serviceAccount: string;
  /** Identity-relevant pod labels as `key=value` (Cilium drops pod-template-hash and the like). */
  readonly labels: readonly string[];
  /** Namespace labels other than `kubernetes.io/metadata.name`, as `key=value`. */
  readonly namespaceLabels?: readonly string[];
  /** Owner as Cilium derives it (ReplicaSet → Deployment, Job → CronJob); undefined: none. */
  readonly workload: WorkloadJson | undefined;
  readonly iface: InterfaceJson;
}

/** A Cilium-managed pod. */
export interface Pod extends Peer {
  readonly spec: PodSpec;
  /** The identity's labels in Hubble's `source:key=value` form, sorted. */
  readonly ciliumLabels: readonly string[];
}

/** Cilium's identity labels of a pod: its own, its namespace's, service account, cluster. */
export function podCiliumLabels(spec: PodSpec): string[] {
  const labels = [
    ...spec.labels,
    `io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${spec.namespace}`,
    ...(spec.namespaceLabels ?? []).map((l) => `io.cilium.k8s.namespace.labels.${l}`),
    `io.cilium.k8s.policy.cluster=${spec.node.cluster}`,
    `io.cilium.k8s.policy.serviceaccount=${spec.serviceAccount}`,
    `io.kubernetes.pod.namespace=${spec.namespace}`,
  ];
  return labels.map((l) => `k8s:${l}`).sort();
}

/** A pod managed by the Cilium agent of `spec.node`. */
export function pod(spec: PodSpec): Pod {
  const ciliumLabels = podCiliumLabels(spec);
  return {
    spec, ciliumLabels, ip: spec.ip, mac: macFor(spec.ip), iface: spec.iface,
    endpointNode: spec.node, hostNode: undefined, overlayNode: spec.node,
    view: (observer, _role, profile) => ({
      ...(sameNode(observer, spec.node) ? { ID: spec.endpointId } : {}),
      identity: spec.identity,
      ...(profile.clusterName ? { cluster_name: spec.node.cluster } : {}),
      namespace: spec.namespace,
      labels: ciliumLabels,
      pod_name: spec.podName,
      ...(profile.workloads && spec.workload !== undefined ? { workloads: [spec.workload] } : {}),
    }),
  };
}

/** An address outside the cluster: `reserved:world`. */
export function worldPeer(ip: string): Peer {
  return {
    ip, mac: macFor(ip), endpointNode: undefined, hostNode: undefined, overlayNode: undefined, iface: undefined,
    view: () => WORLD,
  };
}

/**
 * A pod Hubble can name (its Kubernetes pod cache maps the address to namespace and pod)
 * but that has no Cilium identity: the ipcache has no entry for it, so the security
 * identity is `reserved:world` (2). Happens for pods on nodes without a Cilium agent.
 */
export function unmanagedPod(options: { readonly ip: string; readonly namespace: string; readonly podName: string }): Peer {
  const endpoint: EndpointJson = { identity: 2, namespace: options.namespace, labels: ["reserved:world"], pod_name: options.podName };
  return { ...worldPeer(options.ip), view: () => endpoint };
}

function nodeAddressView(node: NodeRef): (observer: NodeRef) => EndpointJson {
  return (observer) => (sameNode(observer, node) ? HOST : REMOTE_NODE);
}

/** A node's `cilium_host` address (in its pod CIDR, so other nodes reach it through the tunnel). */
export function routerOf(node: NodeRef): Peer {
  return {
    ip: node.routerIp, mac: macFor(node.routerIp), endpointNode: undefined, hostNode: node, overlayNode: node,
    iface: undefined, view: nodeAddressView(node),
  };
}

/** Another address of a node (InternalIP, a link-local listener): reached through the stack. */
export function hostAddress(node: NodeRef, ip: string): Peer {
  return {
    ip, mac: macFor(ip), endpointNode: undefined, hostNode: node, overlayNode: undefined, iface: undefined,
    view: nodeAddressView(node),
  };
}

/** A kube-apiserver backend on a control-plane node that pods reach natively (no tunnel). */
export function apiServerPeer(ip: string): Peer {
  return { ...worldPeer(ip), view: () => KUBE_APISERVER };
}

/**
 * A node's `cilium_host` address used as the source of an L7 proxy's upstream connection,
 * printed as `asSource` when it sends and like any router address when it receives.
 */
export function proxySource(node: NodeRef, asSource: EndpointJson): Peer {
  const asDestination = nodeAddressView(node);
  return { ...routerOf(node), view: (observer, role) => (role === "source" ? asSource : asDestination(observer)) };
}

/**
 * The identity the Envoy proxy marks its upstream packets with: the client pod's identity
 * and labels, without namespace or pod name (the address is the node's, not the pod's).
 */
export function identityOnly(client: Pod): EndpointJson {
  return { identity: client.spec.identity, labels: client.ciliumLabels };
}

