/** Hand-built observed graphs for recommendation tests (no database). */
import { endpointVariant } from "../../flows/index.js";
import type { ConnectionProtocol, EndpointVariant, Identity, ReservedEntity, WorkloadIdentity } from "../../flows/index.js";
import type { EdgeVariant, ObservedEdge, ObservedGraph } from "../../graph/index.js";

/** A Deployment with Cilium labels for its pod labels and namespace. */
export function workload(namespace: string, name: string, labels: Record<string, string> = { app: name }): WorkloadIdentity {
  return {
    kind: "workload", key: `${namespace}/Deployment/${name}`, cluster: "", namespace, workloadKind: "Deployment", name, labels,
    namespaceLabels: { "kubernetes.io/metadata.name": namespace }, serviceAccount: name,
    ciliumLabels: [...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`), `k8s:io.kubernetes.pod.namespace=${namespace}`],
  };
}

/** A Deployment of a ClusterMesh cluster: its Cilium labels carry the cluster label. */
export function clusterWorkload(cluster: string, namespace: string, name: string): WorkloadIdentity {
  const w = workload(namespace, name);
  return { ...w, cluster, ciliumLabels: [...w.ciliumLabels, `k8s:io.cilium.k8s.policy.cluster=${cluster}`] };
}

/** What policy saw of an identity's end of a flow, with the address and names given. */
export function variantOf(identity: Identity, extra: { readonly ip?: string; readonly dnsNames?: readonly string[]; readonly labels?: readonly string[] } = {}): EndpointVariant {
  if (identity.kind === "workload") return endpointVariant({ labels: extra.labels ?? identity.ciliumLabels, namespace: identity.namespace, identity: 0, ip: "", dnsNames: [] });
  return endpointVariant({ labels: extra.labels ?? identity.ciliumLabels, namespace: "", identity: 0, ip: extra.ip ?? identity.ip, dnsNames: extra.dnsNames ?? identity.dnsNames });
}

/** Flows of one pair of end variants (forwarded L3/L4 flows unless said otherwise). */
export function flows(source: EndpointVariant, destination: EndpointVariant, forwarded = 4, more: Partial<Pick<EdgeVariant, "l7" | "audited" | "dropped">> = {}): EdgeVariant {
  return { source, destination, forwarded, l7: more.l7 ?? 0, audited: more.audited ?? 0, dropped: more.dropped ?? 0, firstSeenMs: T0, lastSeenMs: T0 + 60_000 };
}

/** A world address, with the DNS names Hubble knew for it. */
export function world(ip: string, dnsNames: string[] = []): Identity {
  return { kind: "reserved", key: `world:${ip}`, entity: "world", ip, dnsNames, ciliumLabels: ["reserved:world"] };
}

/** A reserved entity other than world. */
export function entity(name: Exclude<ReservedEntity, "world">): Identity {
  return { kind: "reserved", key: `reserved:${name}`, entity: name, ip: "", dnsNames: [], ciliumLabels: [`reserved:${name}`] };
}

const T0 = Date.UTC(2026, 0, 1);

/** An edge with `connections` forwarded connections (or the verdicts given) and optional L7 detail. */
export function edge(
  source: Identity,
  destination: Identity,
  port: string,
  extra: Partial<Pick<ObservedEdge, "connectionsByVerdict" | "http" | "dns" | "existing" | "variants" | "unknown">> = {},
): ObservedEdge {
  const [num = "0", protocol = "TCP"] = port.split("/");
  const byVerdict = extra.connectionsByVerdict ?? { FORWARDED: 3 };
  const http = extra.http ?? [];
  const dns = extra.dns ?? [];
  const requests = http.reduce((n, h) => n + h.count, 0) + dns.reduce((n, d) => n + d.count, 0);
  return {
    source: source.key, destination: destination.key, protocol: protocol as ConnectionProtocol, port: Number(num), // test input written as "80/TCP"
    firstSeenMs: T0, lastSeenMs: T0 + 60_000,
    connections: Object.values(byVerdict).reduce((n, c) => n + c, 0), connectionsByVerdict: byVerdict,
    requests, requestsByVerdict: requests > 0 ? { FORWARDED: requests } : {}, existing: extra.existing ?? 0,
    dropReasons: byVerdict.DROPPED === undefined ? {} : { POLICY_DENIED: byVerdict.DROPPED }, sides: [], http, dns,
    ...(extra.variants === undefined ? {} : { variants: extra.variants }), ...(extra.unknown === undefined ? {} : { unknown: extra.unknown }),
  };
}

/** A graph of the given edges, with every identity they name. */
export function graphOf(identities: readonly Identity[], edges: readonly ObservedEdge[]): ObservedGraph {
  return {
    window: { sinceMs: T0, untilMs: T0 + 3_600_000 },
    identities: identities.map((identity) => ({ identity, firstSeenMs: T0, lastSeenMs: T0 + 60_000 })),
    edges,
  };
}

/** HTTP detail of an edge. */
export function http(method: string, path: string, count = 2): ObservedEdge["http"][number] {
  return { method, path, count, firstSeenMs: T0, lastSeenMs: T0 + 60_000 };
}

/** DNS detail of an edge. */
export function dns(query: string, count = 2): ObservedEdge["dns"][number] {
  return { query, count, firstSeenMs: T0, lastSeenMs: T0 + 60_000 };
}
