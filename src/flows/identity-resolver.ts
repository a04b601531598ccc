import type { FlowEndpoint } from "./flow.js";
import type { Identity, ReservedEntity, ReservedIdentity, WorkloadIdentity } from "./identity.js";
import { sortLabels } from "./labels.js";
import { ownerOf } from "./workload-owner.js";

/** Options of an {@link IdentityResolver}. */
export interface IdentityResolverOptions {
  /** Bound on cached endpoint → identity entries (default 100k); the oldest go first. */
  readonly maxCached?: number;
}

// Cilium's numeric reserved identities (pkg/identity/numericidentity.go), used when an
// endpoint reports the number but no reserved:* label.
const RESERVED_BY_NUMBER: ReadonlyMap<number, ReservedEntity> = new Map([
  [1, "host"], [2, "world"], [3, "unmanaged"], [4, "health"], [5, "init"],
  [6, "remote-node"], [7, "kube-apiserver"], [8, "ingress"], [9, "world"], [10, "world"],
]);

// When an endpoint carries several reserved labels (the API server running on a node is
// both reserved:kube-apiserver and reserved:host), the most specific one names it.
const RESERVED_PRECEDENCE: readonly ReservedEntity[] = [
  "kube-apiserver", "health", "ingress", "init", "host", "remote-node", "unmanaged", "world",
];

function reservedFromLabels(reserved: readonly string[]): ReservedEntity | undefined {
  for (const entity of RESERVED_PRECEDENCE) {
    // world-ipv4 / world-ipv6 (dual-stack clusters) are world.
    if (reserved.some((r) => r === entity || (entity === "world" && r.startsWith("world")))) return entity;
  }
  return undefined;
}

/**
 * Resolves flow endpoints to {@link Identity} values. Resolution is cached per pod (and per
 * security identity number), because the same few endpoints appear in almost every flow.
 *
 * An endpoint that has labels but no pod name — the L7 proxy's upstream leg, where Cilium
 * keeps the original pod's security identity but the address is the proxy's — resolves to
 * the workload last seen with the same namespace and security identity number, so both
 * legs of a proxied connection land on one identity.
 */
export class IdentityResolver {
  private readonly cache = new Map<string, Identity>();
  private readonly byObject = new WeakMap<FlowEndpoint, Identity>();
  private readonly byNumber = new Map<string, WorkloadIdentity>();
  private readonly byPod = new Map<string, WorkloadIdentity>();
  private readonly maxCached: number;

  constructor(options: IdentityResolverOptions = {}) {
    this.maxCached = options.maxCached ?? 100_000;
  }

  /**
   * The identity of one flow endpoint. `ip` is that side's address and `names` the DNS
   * names Hubble knew for it (used for world peers). undefined endpoint = not reported.
   */
  resolve(endpoint: FlowEndpoint | undefined, ip: string, names: readonly string[]): Identity {
    if (!endpoint) return reserved("unknown", ip, names, []);
    // Decoders share endpoint objects between flows, so the object itself is the cheapest key.
    const shared = this.byObject.get(endpoint);
    if (shared) return shared;
    const podKey = endpoint.podName !== "" ? `${endpoint.clusterName}/${endpoint.namespace}/${endpoint.podName}/${endpoint.identity}` : "";
    if (podKey !== "") {
      const hit = this.cache.get(podKey);
      if (hit) return hit;
    }
    const identity = this.compute(endpoint, ip, names);
    if (podKey !== "") this.remember(podKey, identity);
    // Only answers that follow from the endpoint alone are pinned to it: world and unknown
    // peers depend on the address, and pod-less or misreported endpoints on what is seen later.
    const ownAnswer =
      identity.kind === "workload"
        ? endpoint.podName !== "" && identity.ciliumLabels === endpoint.labels
        : identity.entity !== "world" && identity.entity !== "unknown";
    if (ownAnswer) this.byObject.set(endpoint, identity);
    return identity;
  }

  private compute(endpoint: FlowEndpoint, ip: string, names: readonly string[]): Identity {
    const sorted = sortLabels(endpoint.labels);
    const entity = reservedFromLabels(sorted.reserved);
    const namespace = endpoint.namespace || sorted.namespace;
    // Cilium 1.10's L7 proxy reported some in-cluster peers as reserved:world while Hubble
    // still named the pod (seen in the recorded bookinfo capture): the pod is the peer.
    const misreportedPod = entity === "world" && endpoint.podName !== "" && namespace !== "";
    if (misreportedPod) {
      const known = this.byPod.get(`${endpoint.clusterName}/${namespace}/${endpoint.podName}`);
      if (known) return known;
    } else if (entity) {
      return reserved(entity, ip, names, endpoint.labels);
    }
    if (namespace === "") {
      return reserved(RESERVED_BY_NUMBER.get(endpoint.identity) ?? (endpoint.identity >= 16_777_216 ? "world" : "unknown"), ip, names, endpoint.labels);
    }
    const cluster = endpoint.clusterName || sorted.cluster;
    const numberKey = `${cluster}/${namespace}/${endpoint.identity}`;
    if (endpoint.podName === "") {
      const known = this.byNumber.get(numberKey);
      if (known) return known;
    }
    const owner = endpoint.podName !== ""
      ? ownerOf(endpoint.podName, endpoint.workloads, { labelKeys: sorted.allKeys, jobName: sorted.jobName })
      : { kind: "Pod", name: appName(sorted.labels) ?? `identity-${endpoint.identity}` };
    const shownCluster = cluster === "default" ? "" : cluster;
    const identity: WorkloadIdentity = {
      kind: "workload",
      // The cluster is not part of the key: a single-cluster install would otherwise carry
      // its cluster name on every identity. ClusterMesh peers with the same namespace and
      // workload name in another cluster therefore share an identity.
      key: `${namespace}/${owner.kind}/${owner.name}`,
      cluster: shownCluster,
      namespace,
      workloadKind: owner.kind,
      name: owner.name,
      labels: sorted.labels,
      namespaceLabels: sorted.namespaceLabels,
      serviceAccount: sorted.serviceAccount,
      ciliumLabels: endpoint.labels,
    };
    if (endpoint.podName !== "" && !misreportedPod) {
      if (endpoint.identity !== 0) this.byNumber.set(numberKey, identity);
      this.byPod.set(`${endpoint.clusterName}/${namespace}/${endpoint.podName}`, identity);
    }
    // Bounded: losing these hints only costs a re-derivation from the pod name.
    if (this.byNumber.size > this.maxCached) this.byNumber.clear();
    if (this.byPod.size > this.maxCached) this.byPod.clear();
    return identity;
  }

  private remember(key: string, identity: Identity): void {
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, identity);
  }
}

// The conventional "name of the app" labels, most specific first.
function appName(labels: Readonly<Record<string, string>>): string | undefined {
  return labels["app.kubernetes.io/name"] ?? labels.app ?? labels["k8s-app"];
}

function reserved(entity: ReservedEntity, ip: string, names: readonly string[], labels: readonly string[]): ReservedIdentity {
  const perAddress = entity === "world" || entity === "unknown";
  return {
    kind: "reserved",
    key: perAddress && ip !== "" ? `${entity}:${ip}` : `reserved:${entity}`,
    entity,
    ip: perAddress ? ip : "",
    dnsNames: perAddress ? names : [],
    ciliumLabels: labels,
  };
}
