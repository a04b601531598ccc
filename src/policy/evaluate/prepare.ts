import { parseIp, type IpAddress } from "../cidr.js";
import type { PolicyModel, PolicySection, UnsupportedPiece } from "../compile/model.js";
import type { PolicyId } from "../spec/policy-id.js";
import { indexLabels, NAMESPACE_KEY, NAMESPACE_LABEL_PREFIX, type LabelIndex } from "../compile/selector.js";
import type { CiliumEntity } from "../spec/cilium-policy.js";
import type { NamedPort, PodSpec } from "../spec/inventory.js";
import type { PolicyEndpoint } from "./endpoint.js";
import { IdentityCache } from "./identity-cache.js";
import { isIdentityRelevant, type SemanticsProfile } from "./semantics.js";

/** What an endpoint's label set tells policy; shared by all endpoints with the same labels. */
export interface PreparedLabels {
  /** Unique per preparer: label sets with equal text share one object and one id. */
  readonly id: number;
  readonly index: LabelIndex;
  readonly entities: ReadonlySet<CiliumEntity>;
  /** A Kubernetes pod (has the namespace label). */
  readonly isPod: boolean;
  /** Where endpoint policy applies: pods and Cilium's own health/init endpoints. */
  readonly isPolicySubject: boolean;
  /** Host or remote node (where only host policies could apply). */
  readonly isNode: boolean;
  readonly namespace: string | undefined;
  /** Selector id → match, filled lazily. */
  readonly selectorMatches: Map<number, boolean>;
  /** Sections selecting this label set, per direction, filled lazily. */
  readonly sections: { ingress?: SubjectSections; egress?: SubjectSections };
}

/** The sections selecting a label set in one direction, with facts derived from them. */
export interface SubjectSections {
  readonly sections: readonly PolicySection[];
  /** Policies among them that enable default deny. */
  readonly isolatedBy: readonly PolicyId[];
  /** fromRequires / toRequires pieces, reported for every evaluation of this subject. */
  readonly requires: readonly { readonly section: PolicySection; readonly piece: UnsupportedPiece }[];
  /** What besides labels, protocol and port the rules look at (see evaluation-memo). */
  readonly needs: RuleNeeds;
}

/** Per-flow facts some rules depend on; a verdict that needs none is the same for every flow of an identity pair. */
export interface RuleNeeds {
  /** CIDR / ipBlock peers: the peer address. */
  readonly ip: boolean;
  /** toFQDNs peers: the peer's DNS names. */
  readonly dns: boolean;
  /** Named ports: the destination pod. */
  readonly namedPort: boolean;
  /** L7 rules: the request. */
  readonly l7: boolean;
}

/** An endpoint ready for evaluation. */
export class PreparedEndpoint {
  private parsedIp: IpAddress | null | undefined;

  constructor(
    readonly labels: PreparedLabels,
    readonly input: PolicyEndpoint,
    /** Named ports: given ones, else the Pod object's; `undefined` when unknown. */
    readonly namedPorts: readonly NamedPort[] | undefined,
    /** `namespace/name` when known, for the profile's self-traffic rule. */
    readonly podKey: string | undefined,
  ) {}

  /** Parsed `input.ip`, on first use (only CIDR rules need it); `undefined` when absent or invalid. */
  get ip(): IpAddress | undefined {
    if (this.parsedIp === undefined) this.parsedIp = (this.input.ip === undefined ? undefined : parseIp(this.input.ip)) ?? null;
    return this.parsedIp ?? undefined;
  }
}

const WORLD = new Set(["world", "world-ipv4", "world-ipv6"]);
/** Reserved identities inside Cilium's `cluster` entity (policy API InitEntities). */
const CLUSTER_RESERVED = new Set(["host", "remote-node", "init", "unmanaged", "health", "ingress", "kube-apiserver"]);
const MAX_CACHE = 100_000;

/**
 * Caches prepared label sets for one model and profile. Flows arrive with new endpoint
 * objects each time, so the cache is keyed by the label text (plus namespace and the Pod
 * object found); a flow's identity number finds the entry faster, checked against the labels.
 */
export class EndpointPreparer {
  private readonly cache = new Map<string, PreparedLabels>();
  private readonly byIdentity = new IdentityCache<PreparedLabels>();
  private nextId = 0;

  constructor(
    private readonly model: PolicyModel,
    private readonly profile: SemanticsProfile,
  ) {}

  /** Resolves Pod/Namespace objects, normalises labels and returns the cached label facts. */
  prepare(ep: PolicyEndpoint): PreparedEndpoint {
    // A reserved identity is never a pod to policy, whatever Pod object shares its address (see build).
    const pod = ep.labels.some((l) => l.startsWith("reserved:")) ? undefined : this.findPod(ep);
    const namespace = ep.namespace ?? pod?.namespace;
    const podRef = pod === undefined ? "" : `${pod.namespace}/${pod.name}`;
    let labels = this.byIdentity.find(ep, namespace, podRef);
    if (labels === undefined) {
      const cacheKey = `${ep.labels.join("\n")}\u0000${namespace ?? ""}\u0000${podRef}`;
      labels = this.cache.get(cacheKey);
      if (labels === undefined) {
        if (this.cache.size >= MAX_CACHE) this.cache.clear();
        labels = this.build(ep.labels, namespace, pod);
        this.cache.set(cacheKey, labels);
      }
      this.byIdentity.remember(ep, namespace, podRef, labels);
    }
    const podName = ep.podName ?? pod?.name;
    const ns = labels.namespace;
    const podKey = podName === undefined || ns === undefined ? undefined : `${ns}/${podName}`;
    return new PreparedEndpoint(labels, ep, ep.namedPorts ?? pod?.namedPorts, podKey);
  }

  private findPod(ep: PolicyEndpoint): PodSpec | undefined {
    if (this.model.podsByName.size === 0) return undefined;
    if (ep.namespace !== undefined && ep.podName !== undefined) {
      const byName = this.model.podsByName.get(`${ep.namespace}/${ep.podName}`);
      if (byName !== undefined) return byName;
    }
    return ep.ip === undefined ? undefined : this.model.podsByIp.get(ep.ip);
  }

  private build(given: readonly string[], namespace: string | undefined, pod: PodSpec | undefined): PreparedLabels {
    const labels = new Set(given);
    const keys = new Set(given.map((l) => l.slice(0, l.includes("=") ? l.indexOf("=") : undefined)));
    const add = (source: string, key: string, value: string): void => {
      if (!keys.has(`${source}:${key}`)) {
        keys.add(`${source}:${key}`);
        labels.add(`${source}:${key}=${value}`);
      }
    };
    if (pod !== undefined) for (const [k, v] of pod.labels) add("k8s", k, v);
    const nsLabel = given.find((l) => l.startsWith(`k8s:${NAMESPACE_KEY}=`));
    // Cilium enforces on the security identity: an endpoint whose identity is a reserved one
    // (world, host, ...) is that entity to policy even when Hubble names a pod and a
    // namespace for its address (a pod on a node Cilium does not manage, say). It gets no
    // namespace labels, so no endpoint selector matches it; only a label-based identity is a pod.
    const reservedIdentity = given.some((l) => l.startsWith("reserved:"));
    const ns = reservedIdentity ? undefined : (namespace ?? nsLabel?.slice(`k8s:${NAMESPACE_KEY}=`.length));
    if (ns !== undefined) {
      add("k8s", NAMESPACE_KEY, ns);
      for (const [k, v] of this.model.namespaces.get(ns)?.labels ?? []) add("k8s", NAMESPACE_LABEL_PREFIX + k, v);
      // Kubernetes sets kubernetes.io/metadata.name on every namespace (v1.21+).
      add("k8s", `${NAMESPACE_LABEL_PREFIX}kubernetes.io/metadata.name`, ns);
    }
    let index = indexLabels(labels);
    if (this.profile.identityLabelFilter) {
      for (const [key, entries] of index) {
        const kept = entries.filter((e) => isIdentityRelevant(e.source, key));
        if (kept.length === 0) index.delete(key);
        else index.set(key, kept);
      }
    } else index = new Map(index);
    const reserved = [...(index.entries())]
      .filter(([, entries]) => entries.some((e) => e.source === "reserved"))
      .map(([key]) => key);
    const isPod = ns !== undefined;
    const entities = new Set<CiliumEntity>(["all"]);
    for (const r of reserved) {
      // `world` selects reserved:world, world-ipv4 and world-ipv6; `world-ipv4` only its own label.
      if (WORLD.has(r)) entities.add("world");
      if (isEntity(r)) entities.add(r);
    }
    if ([...index.values()].some((es) => es.some((e) => e.source === "cidr" || e.source === "fqdn"))) entities.add("world");
    if (isPod || reserved.some((r) => CLUSTER_RESERVED.has(r))) entities.add("cluster");
    return {
      id: this.nextId++,
      index,
      entities,
      isPod,
      isPolicySubject: isPod || entities.has("health") || entities.has("init"),
      isNode: entities.has("host") || entities.has("remote-node"),
      namespace: ns,
      selectorMatches: new Map(),
      sections: {},
    };
  }
}

function isEntity(name: string): name is CiliumEntity {
  return ["world-ipv4", "world-ipv6", "host", "remote-node", "kube-apiserver", "health", "init", "ingress", "unmanaged"].includes(name);
}
