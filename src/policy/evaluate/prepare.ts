import { parseIp, type IpAddress } from "../cidr.js";
import type { PolicyModel, PolicySection, UnsupportedPiece } from "../compile/model.js";
import type { PolicyId } from "../spec/policy-id.js";
import { indexLabels, NAMESPACE_KEY, NAMESPACE_LABEL_PREFIX, type LabelIndex } from "../compile/selector.js";
import type { CiliumEntity } from "../spec/cilium-policy.js";
import type { NamedPort, PodSpec } from "../spec/inventory.js";
import type { PolicyEndpoint } from "./endpoint.js";
import { isIdentityRelevant, type SemanticsProfile } from "./semantics.js";

/** What an endpoint's label set tells policy; shared by all endpoints with the same labels. */
export interface PreparedLabels {
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
}

/** An endpoint ready for evaluation. */
export interface PreparedEndpoint {
  readonly labels: PreparedLabels;
  readonly input: PolicyEndpoint;
  /** Named ports: given ones, else the Pod object's; `undefined` when unknown. */
  readonly namedPorts: readonly NamedPort[] | undefined;
  /** `namespace/name` when known, for the profile's self-traffic rule. */
  readonly podKey: string | undefined;
  /** Parsed `input.ip`; `undefined` when absent or invalid. */
  readonly ip: IpAddress | undefined;
}

const WORLD = new Set(["world", "world-ipv4", "world-ipv6"]);
const CLUSTER_RESERVED = new Set(["host", "remote-node", "init", "unmanaged", "health", "ingress"]);
const MAX_CACHE = 100_000;

/** Caches prepared label sets for one model and profile. */
export class EndpointPreparer {
  private readonly cache = new Map<string, PreparedLabels>();
  /** Endpoint objects reused by the caller (e.g. interned identities) skip all work. */
  private readonly byObject = new WeakMap<PolicyEndpoint, PreparedEndpoint>();

  constructor(
    private readonly model: PolicyModel,
    private readonly profile: SemanticsProfile,
  ) {}

  /** Resolves Pod/Namespace objects, normalises labels and returns the cached label facts. */
  prepare(ep: PolicyEndpoint): PreparedEndpoint {
    const known = this.byObject.get(ep);
    if (known !== undefined) return known;
    const prepared = this.prepareNew(ep);
    this.byObject.set(ep, prepared);
    return prepared;
  }

  private prepareNew(ep: PolicyEndpoint): PreparedEndpoint {
    const pod = this.findPod(ep);
    const namespace = ep.namespace ?? pod?.namespace;
    const cacheKey = `${ep.labels.join("\n")}\u0000${namespace ?? ""}\u0000${pod === undefined ? "" : `${pod.namespace}/${pod.name}`}`;
    let labels = this.cache.get(cacheKey);
    if (labels === undefined) {
      if (this.cache.size >= MAX_CACHE) this.cache.clear();
      labels = this.build(ep.labels, namespace, pod);
      this.cache.set(cacheKey, labels);
    }
    const podName = ep.podName ?? pod?.name;
    const ns = labels.namespace;
    return {
      labels,
      input: ep,
      namedPorts: ep.namedPorts ?? pod?.namedPorts,
      podKey: podName === undefined || ns === undefined ? undefined : `${ns}/${podName}`,
      ip: ep.ip === undefined ? undefined : parseIp(ep.ip),
    };
  }

  private findPod(ep: PolicyEndpoint): PodSpec | undefined {
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
    const ns = namespace ?? nsLabel?.slice(`k8s:${NAMESPACE_KEY}=`.length);
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
      if (WORLD.has(r)) entities.add("world");
      else if (isEntity(r)) entities.add(r);
    }
    if ([...index.values()].some((es) => es.some((e) => e.source === "cidr" || e.source === "fqdn"))) entities.add("world");
    if (isPod || reserved.some((r) => CLUSTER_RESERVED.has(r))) entities.add("cluster");
    return {
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
  return ["host", "remote-node", "kube-apiserver", "health", "init", "ingress", "unmanaged"].includes(name);
}
