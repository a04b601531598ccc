import type { ServedWorkload } from "./base-app.js";
import type { BuiltApp } from "./app-spec.js";
import type { EndpointJson, Mutable } from "./jsonpb.js";
import type { ReservedEntity } from "./model.js";
import type { Random } from "./prng.js";
import type { NodeInfo, PeerInstance, Topology, WorkloadInstance } from "./topology-types.js";

/** Kubernetes' default limit of pods per node; nodes are added to stay below it. */
const MAX_PODS_PER_NODE = 100;

/** Options for {@link buildTopology}. */
export interface TopologyOptions {
  readonly clusterName: string;
  /** Minimum node count; more are added when the pods would not fit. */
  readonly nodes: number;
}

/**
 * Places the app on nodes: pod names in Kubernetes' formats, per-node pod CIDRs, endpoint
 * IDs unique per node, one security identity per distinct label set, and the reserved
 * entities (host, remote-node, health per node; world; kube-apiserver).
 */
export function buildTopology(app: BuiltApp, options: TopologyOptions, random: Random): Topology {
  const alloc = new Allocator(random);
  const podCount = app.workloads.reduce((n, w) => n + (w.kind === "DaemonSet" ? 0 : w.replicas), 0);
  const nodeCount = Math.max(options.nodes, 1, Math.ceil(podCount / (MAX_PODS_PER_NODE - 10)));
  const nodes = Array.from({ length: nodeCount }, (_, i) => makeNode(i, options.clusterName, alloc));
  const nodeLoad = new Map<NodeInfo, number>();
  const nsLabels = new Map(app.namespaces.map((ns) => [ns.name, ns.labels]));
  const workloads = new Map<string, WorkloadInstance>();
  for (const spec of app.workloads) {
    const rsHash = random.suffix(10);
    const identity = alloc.identity();
    const count = spec.kind === "DaemonSet" ? nodes.length : spec.replicas;
    const pods: PeerInstance[] = [];
    for (let i = 0; i < count; i++) {
      const node = spec.kind === "DaemonSet" ? nodes[i] : leastLoaded(nodes, nodeLoad, random);
      if (node === undefined) throw new Error("no node for pod");
      nodeLoad.set(node, (nodeLoad.get(node) ?? 0) + 1);
      const naming = podNaming(spec, i, rsHash, random);
      const labels = podLabels(spec, options.clusterName, nsLabels.get(spec.namespace) ?? [], naming.extraLabels);
      // Each CronJob run carries its own job-name label, hence its own identity.
      const podIdentity = spec.kind === "CronJob" && i > 0 ? alloc.identity() : identity;
      const remote: EndpointJson = {
        identity: podIdentity, cluster_name: options.clusterName, namespace: spec.namespace,
        labels, pod_name: naming.podName, workloads: [{ name: spec.name, kind: spec.kind }],
      };
      pods.push({
        role: "pod", ip: alloc.podIp(node), node, remote, local: { ID: alloc.endpointId(node), ...remote },
        mac: alloc.mac(), iface: { index: random.between(8, 400), name: `lxc${random.hex(12)}` },
      });
    }
    const serviceIp = spec.service === undefined ? undefined
      : spec.service === "kube-dns" ? "10.96.0.10" : alloc.serviceIp();
    workloads.set(`${spec.namespace}/${spec.name}`, { spec, pods, serviceIp });
  }
  const world = new Map<string, PeerInstance[]>();
  for (const [fqdn, ips] of app.fqdns) world.set(fqdn, ips.map((ip) => reservedPeer(ip, 2, "world", alloc)));
  const internetClients = Array.from({ length: 16 }, () =>
    reservedPeer(`198.18.${random.int(256)}.${random.between(1, 254)}`, 2, "world", alloc));
  const apiserver = reservedPeer("172.18.0.2", 7, "kube-apiserver", alloc);
  return {
    clusterName: options.clusterName, nodes, workloads, apiserver,
    apiserverServiceIp: "10.96.0.1", world, internetClients,
  };
}

function leastLoaded(nodes: readonly NodeInfo[], load: ReadonlyMap<NodeInfo, number>, random: Random): NodeInfo {
  // Two random choices, keep the emptier one: spreads pods evenly but not in lockstep.
  const a = random.pick(nodes);
  const b = random.pick(nodes);
  return (load.get(a) ?? 0) <= (load.get(b) ?? 0) ? a : b;
}

interface PodNaming {
  readonly podName: string;
  readonly extraLabels: readonly string[];
}

/** Pod names as the controllers create them: ReplicaSet hash + suffix, ordinals, job runs. */
function podNaming(spec: ServedWorkload, index: number, rsHash: string, random: Random): PodNaming {
  switch (spec.kind) {
    case "Deployment":
      return { podName: `${spec.name}-${rsHash}-${random.suffix(5)}`, extraLabels: [] };
    case "StatefulSet":
      return { podName: `${spec.name}-${index}`, extraLabels: [] };
    case "DaemonSet":
      return { podName: `${spec.name}-${random.suffix(5)}`, extraLabels: [] };
    case "CronJob": {
      // CronJob job names end in the scheduled time in minutes since the epoch.
      const job = `${spec.name}-${29_000_000 + index * 1440 + random.int(60)}`;
      return {
        podName: `${job}-${random.suffix(5)}`,
        extraLabels: [`batch.kubernetes.io/job-name=${job}`, `job-name=${job}`],
      };
    }
    default: {
      const never: never = spec.kind;
      throw new Error(`unknown workload kind ${String(never)}`);
    }
  }
}

/** Cilium identity labels of a pod, sorted as Hubble prints them. */
function podLabels(spec: ServedWorkload, cluster: string, nsLabels: readonly string[], extra: readonly string[]): string[] {
  const labels = [
    `app.kubernetes.io/name=${spec.name}`,
    ...spec.labels,
    ...extra,
    `io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${spec.namespace}`,
    ...nsLabels.map((l) => `io.cilium.k8s.namespace.labels.${l}`),
    `io.cilium.k8s.policy.cluster=${cluster}`,
    `io.cilium.k8s.policy.serviceaccount=${spec.serviceAccount}`,
    `io.kubernetes.pod.namespace=${spec.namespace}`,
  ].map((l) => `k8s:${l}`);
  return labels.sort();
}

function makeNode(index: number, cluster: string, alloc: Allocator): NodeInfo {
  const bare = `k8s-worker-${index + 1}`;
  const name = cluster === "default" ? bare : `${cluster}/${bare}`;
  const base = { name, podPrefix: `10.${244 + (index >> 8)}.${index & 255}`, ip: `172.18.${1 + (index >> 8)}.${(index & 255) + 3}` };
  // Pod-network traffic from a node leaves from its cilium_host router address: that
  // address is reserved:host on the node itself and reserved:remote-node everywhere else.
  const routerIp = alloc.podIp(base);
  const host = reservedPeer(routerIp, 1, "host", alloc);
  const remoteNode = reservedPeer(routerIp, 6, "remote-node", alloc);
  const health = reservedPeer(alloc.podIp(base), 4, "health", alloc);
  const node: Mutable<NodeInfo> = { ...base, host, remoteNode, health };
  node.host = { ...host, node };
  node.remoteNode = { ...remoteNode, node };
  node.health = { ...health, node, local: { ID: alloc.endpointId(node), ...health.remote } };
  return node;
}

function reservedPeer(ip: string, identity: number, entity: ReservedEntity, alloc: Allocator): PeerInstance {
  const endpoint: EndpointJson = { identity, labels: [`reserved:${entity}`] };
  const role = entity === "world" || entity === "kube-apiserver" ? "external" : entity;
  return { role, ip, node: undefined, local: endpoint, remote: endpoint, mac: alloc.mac(), iface: undefined };
}

/** Hands out unique identities, endpoint IDs, addresses and MACs. */
class Allocator {
  private readonly identities = new Set<number>();
  private readonly endpointIds = new Map<string, Set<number>>();
  private readonly nextHost = new Map<string, number>();
  private nextService = 16;

  constructor(private readonly random: Random) {}

  identity(): number {
    for (;;) {
      // Cluster-local identities are allocated from 256 up to 65535.
      const id = this.random.between(1000, 65_535);
      if (this.identities.has(id)) continue;
      this.identities.add(id);
      return id;
    }
  }

  endpointId(node: { readonly name: string }): number {
    const used = this.endpointIds.get(node.name) ?? new Set<number>();
    this.endpointIds.set(node.name, used);
    for (;;) {
      const id = this.random.between(1, 4095);
      if (used.has(id)) continue;
      used.add(id);
      return id;
    }
  }

  podIp(node: { readonly podPrefix: string }): string {
    const next = this.nextHost.get(node.podPrefix) ?? this.random.between(2, 60);
    if (next > 254) throw new Error(`pod CIDR ${node.podPrefix}.0/24 exhausted`);
    this.nextHost.set(node.podPrefix, next + 1);
    return `${node.podPrefix}.${next}`;
  }

  serviceIp(): string {
    // Skip a few addresses at random so ClusterIPs do not look sequential.
    let n = this.nextService + this.random.int(3);
    if ((n & 255) === 0 || (n & 255) === 255) n += 2;
    this.nextService = n + 1;
    return `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
  }

  mac(): string {
    const h = this.random.hex(12);
    const first = ((parseInt(h.slice(0, 2), 16) & 0xfc) | 0x02).toString(16).padStart(2, "0");
    return [first, h.slice(2, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10), h.slice(10, 12)].join(":");
  }
}
