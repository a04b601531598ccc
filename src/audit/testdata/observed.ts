/** Builders of observed graphs and policy views for audit tests. */
import type { Identity, WorkloadIdentity } from "../../flows/index.js";
import type { ObservedEdge, ObservedGraph, SideCount } from "../../graph/index.js";
import { compilePolicyModel, parsePolicyDocuments } from "../../policy/index.js";
import type { SemanticsName } from "../../policy/index.js";
import { yamlDocuments } from "../../policy/testdata/example-policies.js";
import { createPolicyView } from "../policy-view.js";
import type { PolicyView } from "../policy-view.js";

/** 2026-03-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 2, 1);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A Deployment with `app=<name>` and the namespace labels Cilium adds. */
export function wl(namespace: string, name: string, labels: Readonly<Record<string, string>> = {}): WorkloadIdentity {
  const all = { app: name, ...labels };
  return {
    kind: "workload", key: `${namespace}/Deployment/${name}`, cluster: "", namespace, workloadKind: "Deployment", name, labels: all,
    namespaceLabels: { "kubernetes.io/metadata.name": namespace }, serviceAccount: name,
    ciliumLabels: [
      ...Object.entries(all).map(([k, v]) => `k8s:${k}=${v}`),
      `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${namespace}`,
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
    ],
  };
}

/** An external address, with the DNS names Hubble knew for it. */
export function worldAt(ip: string, names: readonly string[] = []): Identity {
  return { kind: "reserved", key: `world:${ip}`, entity: "world", ip, dnsNames: names, ciliumLabels: ["reserved:world"] };
}

/** A reserved entity such as host or kube-apiserver. */
export function entity(name: "host" | "remote-node" | "kube-apiserver" | "health"): Identity {
  return { kind: "reserved", key: `reserved:${name}`, entity: name, ip: "", dnsNames: [], ciliumLabels: [`reserved:${name}`] };
}

/** What an edge carried; everything not given is 10 forwarded connections seen an hour after T0. */
export interface EdgeTraffic {
  readonly protocol?: ObservedEdge["protocol"];
  readonly connections?: Readonly<Record<string, number>>;
  readonly requests?: Readonly<Record<string, number>>;
  readonly existing?: number;
  readonly dropReasons?: Readonly<Record<string, number>>;
  readonly sides?: readonly SideCount[];
  readonly firstMs?: number;
  readonly lastMs?: number;
}

/** One observed edge with its ends. */
export interface TestEdge {
  readonly source: Identity;
  readonly destination: Identity;
  readonly edge: ObservedEdge;
}

/** An edge from `source` to `destination` on a port. */
export function edge(source: Identity, destination: Identity, port: number, t: EdgeTraffic = {}): TestEdge {
  const connections = t.connections ?? { FORWARDED: 10 };
  const requests = t.requests ?? {};
  const sum = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((n, c) => n + c, 0);
  return {
    source, destination,
    edge: {
      source: source.key, destination: destination.key, protocol: t.protocol ?? "TCP", port,
      firstSeenMs: t.firstMs ?? T0 + HOUR, lastSeenMs: t.lastMs ?? T0 + 2 * HOUR,
      connections: sum(connections), connectionsByVerdict: connections, requests: sum(requests), requestsByVerdict: requests,
      existing: t.existing ?? 0, dropReasons: t.dropReasons ?? {}, sides: t.sides ?? [], http: [], dns: [],
    },
  };
}

/** A graph of the given edges (and extra identities seen without edges of their own) over [T0, T0 + 1 day). */
export function graphOf(edges: readonly TestEdge[], window = { sinceMs: T0, untilMs: T0 + DAY }): ObservedGraph {
  const identities = new Map<string, Identity>();
  for (const e of edges) {
    identities.set(e.source.key, e.source);
    identities.set(e.destination.key, e.destination);
  }
  return {
    window,
    identities: [...identities.values()].sort((a, b) => a.key.localeCompare(b.key)).map((identity) => ({ identity, firstSeenMs: T0, lastSeenMs: T0 + DAY })),
    edges: edges.map((e) => e.edge),
  };
}

/** A policy view of YAML policies (which must parse without problems). */
export function viewOf(yaml: string, semantics: SemanticsName = "cilium"): PolicyView {
  const parsed = parsePolicyDocuments(yaml.trim() === "" ? [] : yamlDocuments(yaml));
  if (parsed.problems.length > 0) throw new Error(`test policy has problems: ${JSON.stringify(parsed.problems)}`);
  return createPolicyView(compilePolicyModel(parsed), { semantics });
}
