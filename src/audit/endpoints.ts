import type { Identity } from "../flows/index.js";
import type { ObservedGraph } from "../graph/index.js";
import type { PodSpec, PolicyEndpoint, PolicyModel } from "../policy/index.js";

/** Identities of a graph by key; the audit resolves edge ends through it. */
export type IdentityIndex = ReadonlyMap<string, Identity>;

/** Indexes the identities of a graph by key. */
export function indexIdentities(graph: ObservedGraph): IdentityIndex {
  return new Map(graph.identities.map((o) => [o.identity.key, o.identity]));
}

/**
 * The identity an edge end names. A key missing from the graph (which the graph query never
 * produces) becomes an `unknown` reserved identity, which policy does not apply to.
 */
export function identityOf(index: IdentityIndex, key: string): Identity {
  return index.get(key) ?? { kind: "reserved", key, entity: "unknown", ip: "", dnsNames: [], ciliumLabels: [] };
}

/** The namespace of an identity; "" for reserved identities. */
export function namespaceOf(identity: Identity): string {
  return identity.kind === "workload" ? identity.namespace : "";
}

/**
 * The endpoint policy sees for an identity. Workloads are evaluated on their full Cilium
 * label set (never the cleaned labels, so label hygiene cannot change a verdict). Named
 * container ports come from a Pod object of the workload when the model has one; no pod
 * name is passed, because one identity stands for all pods of a workload and the
 * `upstream` profile's "a pod cannot block itself" must not apply between two of them.
 * Reserved identities carry their address and DNS names for CIDR and toFQDNs rules.
 */
export function endpointOf(identity: Identity, pods: PodLookup): PolicyEndpoint {
  if (identity.kind === "workload") {
    const pod = pods(identity.namespace, identity.name);
    return {
      labels: identity.ciliumLabels,
      namespace: identity.namespace,
      ...(pod === undefined ? {} : { namedPorts: pod.namedPorts }),
    };
  }
  const labels = identity.ciliumLabels.length > 0 || identity.entity === "unknown" ? identity.ciliumLabels : [`reserved:${identity.entity}`];
  return {
    labels,
    ...(identity.ip === "" ? {} : { ip: identity.ip }),
    ...(identity.dnsNames.length === 0 ? {} : { dnsNames: identity.dnsNames.map(withoutDot) }),
  };
}

function withoutDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** Finds a Pod object of a workload; `undefined` when the model has none. */
export type PodLookup = (namespace: string, name: string) => PodSpec | undefined;

/**
 * A lookup of the model's Pod objects by owning workload: a pod named like the workload
 * (bare pods), or owned by it directly or through a ReplicaSet `name-<hash>`.
 */
export function podLookup(model: PolicyModel): PodLookup {
  const byNamespace = new Map<string, PodSpec[]>();
  for (const pod of model.podsByName.values()) {
    const list = byNamespace.get(pod.namespace);
    if (list === undefined) byNamespace.set(pod.namespace, [pod]);
    else list.push(pod);
  }
  return (namespace, name) =>
    byNamespace.get(namespace)?.find((pod) => pod.name === name || pod.owners.some((o) => o.name === name || o.name.startsWith(`${name}-`)));
}
