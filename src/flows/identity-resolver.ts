import { BoundedMap } from "./bounded-map.js";
import type { FlowEndpoint } from "./flow.js";
import type { Identity, ReservedEntity, ReservedIdentity, WorkloadIdentity } from "./identity.js";
import { isDns1123Subdomain } from "./k8s-names.js";
import { sortLabels } from "./labels.js";
import { ownerOf } from "./workload-owner.js";

/** Options of an {@link IdentityResolver}. */
export interface IdentityResolverOptions {
  /**
   * Bound on each of the resolver's caches (per pod, per security identity, per workload,
   * per namespace; default 16384 entries each); the least recently used entries go first.
   */
  readonly maxCached?: number;
}

/** What the resolver holds and what it had to forget. */
export interface IdentityResolverStats {
  /** Entries held now, over all caches. */
  readonly cached: number;
  /**
   * Entries forgotten to stay within `maxCached`. For a pod, an eviction costs a
   * re-derivation from its endpoint the next time it is seen, with the same answer. A
   * pod-less proxy leg whose pod was forgotten is named as if its pod had never been seen.
   */
  readonly evictions: number;
}

// Cilium's numeric reserved identities (pkg/identity/numericidentity.go), used when an
// endpoint reports the number but no reserved:* label.
const RESERVED_BY_NUMBER: ReadonlyMap<number, ReservedEntity> = new Map([
  [1, "host"], [2, "world"], [3, "unmanaged"], [4, "health"], [5, "init"],
  [6, "remote-node"], [7, "kube-apiserver"], [8, "ingress"], [9, "world"], [10, "world"],
]);

/**
 * The workload kind of an identity seen only on endpoints without a pod (an L7 proxy's
 * upstream leg) before any pod of its security identity: the recommendation treats it as
 * the workload whose pods carry the same labels.
 */
export const POD_LESS_KIND = "Identity";

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
 *
 * Memory is bounded: every cache holds at most `maxCached` entries. Pods of one workload
 * with the same labels share one identity object (the identity does not depend on which
 * replica reported it), so a cached pod costs a key and a reference, not a label set.
 */
export class IdentityResolver {
  private readonly byObject = new WeakMap<FlowEndpoint, Identity>();
  private readonly cache: BoundedMap<string, Identity>;
  private readonly byNumber: BoundedMap<string, WorkloadIdentity>;
  // The latest identity object built for each workload key, reused while it is equal.
  private readonly byKey: BoundedMap<string, WorkloadIdentity>;
  // The latest namespace label set per namespace: every pod of a namespace carries the same.
  private readonly namespaceLabels: BoundedMap<string, Readonly<Record<string, string>>>;

  constructor(options: IdentityResolverOptions = {}) {
    const max = Math.max(1, Math.floor(options.maxCached ?? DEFAULT_MAX_CACHED));
    this.cache = new BoundedMap(max);
    this.byNumber = new BoundedMap(max);
    this.byKey = new BoundedMap(max);
    this.namespaceLabels = new BoundedMap(max);
  }

  /** Entries held and evictions so far, over all caches. */
  get stats(): IdentityResolverStats {
    const maps = [this.cache, this.byNumber, this.byKey, this.namespaceLabels];
    return {
      cached: maps.reduce((n, m) => n + m.size, 0),
      evictions: maps.reduce((n, m) => n + m.evictions, 0),
    };
  }

  /**
   * The identity of one flow endpoint. `ip` is that side's address and `names` the DNS
   * names Hubble knew for it (used for world peers). undefined endpoint = not reported.
   */
  resolve(endpoint: FlowEndpoint | undefined, ip: string, names: readonly string[]): Identity {
    if (!endpoint) return reserved("unknown", ip, names, [], "");
    // Decoders share endpoint objects between flows, so the object itself is the cheapest key.
    const shared = this.byObject.get(endpoint);
    if (shared) return shared;
    const podKey = endpoint.podName !== "" ? flatKey([endpoint.clusterName, endpoint.namespace, endpoint.podName, endpoint.identity]) : "";
    if (podKey !== "") {
      const hit = this.cache.get(podKey);
      if (hit) return hit;
    }
    const identity = this.compute(endpoint, ip, names);
    if (podKey !== "") this.cache.set(podKey, identity);
    // Only answers that follow from the endpoint alone are pinned to it: world and unknown
    // peers depend on the address, and pod-less endpoints on what is seen later.
    const ownAnswer =
      identity.kind === "workload"
        ? endpoint.podName !== "" && sameLabels(identity.ciliumLabels, endpoint.labels)
        : identity.entity !== "world" && identity.entity !== "unknown";
    if (ownAnswer) this.byObject.set(endpoint, identity);
    return identity;
  }

  private compute(endpoint: FlowEndpoint, ip: string, names: readonly string[]): Identity {
    const sorted = sortLabels(endpoint.labels);
    const entity = reservedFromLabels(sorted.reserved);
    const namespace = endpoint.namespace || sorted.namespace;
    // Cilium enforces on the security identity, not on the names Hubble attaches: a pod
    // whose identity is reserved (world, most often: a pod Cilium does not manage, or one
    // whose identity was not resolved) is selected by CIDR and entity rules, never by
    // endpoint or pod selectors. It stays that entity, with the pod kept for warnings.
    if (entity) return reserved(entity, ip, names, endpoint.labels, podOf(endpoint, namespace));
    if (namespace === "") {
      return reserved(RESERVED_BY_NUMBER.get(endpoint.identity) ?? (endpoint.identity >= 16_777_216 ? "world" : "unknown"), ip, names, endpoint.labels, podOf(endpoint, namespace));
    }
    const cluster = endpoint.clusterName || sorted.cluster;
    const numberKey = flatKey([cluster, namespace, endpoint.identity]);
    if (endpoint.podName === "") {
      const known = this.byNumber.get(numberKey);
      if (known) return known;
    }
    const owner = endpoint.podName !== ""
      ? ownerOf(endpoint.podName, endpoint.workloads, { labelKeys: sorted.allKeys, jobName: sorted.jobName })
      : { kind: POD_LESS_KIND, name: appName(sorted.labels) ?? `identity-${endpoint.identity}` };
    const shownCluster = cluster === "default" ? "" : cluster;
    // The cluster is not part of the key: a single-cluster install would otherwise carry
    // its cluster name on every identity. ClusterMesh peers with the same namespace and
    // workload name in another cluster therefore share an identity.
    const key = flatKey([namespace, owner.kind, owner.name]);
    let identity = this.byKey.get(key);
    // Everything else an identity holds is derived from the Cilium labels, so equal labels
    // (and cluster) mean an equal identity: the existing object is reused.
    if (!identity || identity.cluster !== shownCluster || !sameLabels(identity.ciliumLabels, endpoint.labels)) {
      identity = {
        kind: "workload",
        key,
        cluster: shownCluster,
        namespace,
        workloadKind: owner.kind,
        name: owner.name,
        labels: sorted.labels,
        namespaceLabels: this.sharedNamespaceLabels(namespace, sorted.namespaceLabels),
        serviceAccount: sorted.serviceAccount,
        ciliumLabels: endpoint.labels,
      };
      this.byKey.set(key, identity);
    }
    if (endpoint.podName !== "" && endpoint.identity !== 0) this.byNumber.set(numberKey, identity);
    return identity;
  }

  private sharedNamespaceLabels(namespace: string, labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const known = this.namespaceLabels.get(namespace);
    if (known && sameRecord(known, labels)) return known;
    this.namespaceLabels.set(namespace, labels);
    return labels;
  }
}

/**
 * Default bound of each cache. Pods beyond it are re-derived from their endpoint when seen
 * again (a few microseconds each); the hot path does not use these caches at all when the
 * decoder shares endpoint objects between flows.
 */
const DEFAULT_MAX_CACHED = 16_384;

// Cache keys are built with join, which yields one flat string: a template literal yields a
// tree of string fragments that a Map keeps whole, several times the size of the text.
function flatKey(parts: readonly (string | number)[]): string {
  return parts.join("/");
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// The conventional "name of the app" labels, most specific first. A label value may hold
// upper case and '_', which a workload name (and the policy names built from it) may not:
// such a value does not name the workload.
function appName(labels: Readonly<Record<string, string>>): string | undefined {
  return [labels["app.kubernetes.io/name"], labels.app, labels["k8s-app"]].find((name) => name !== undefined && isDns1123Subdomain(name));
}

function podOf(endpoint: FlowEndpoint, namespace: string): string {
  return endpoint.podName === "" ? "" : `${namespace}/${endpoint.podName}`;
}

function reserved(entity: ReservedEntity, ip: string, names: readonly string[], labels: readonly string[], pod: string): ReservedIdentity {
  const perAddress = entity === "world" || entity === "unknown";
  return {
    kind: "reserved",
    key: perAddress && ip !== "" ? `${entity}:${ip}` : `reserved:${entity}`,
    entity,
    ip: perAddress ? ip : "",
    dnsNames: perAddress ? names : [],
    ciliumLabels: labels,
    ...(perAddress && pod !== "" ? { pod } : {}),
  };
}
