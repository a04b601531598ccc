/**
 * Random policy sets and observed graphs for property tests: NetworkPolicy,
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy with label selectors and
 * expressions, namespace selectors, entities, CIDRs, FQDNs, deny rules, port ranges,
 * named ports, L7 rules and unsupported constructs, plus Namespace and Pod objects, over
 * 5-30 workloads in 1-4 namespaces with world addresses and reserved entities.
 * Deterministic per seed.
 */
import type { Identity, WorkloadIdentity } from "../../flows/index.js";
import type { ObservedGraph } from "../../graph/index.js";
import type { SemanticsName, SourceDocument } from "../../policy/index.js";
import { compilePolicyModel, parsePolicyDocuments } from "../../policy/index.js";
import { createPolicyView } from "../policy-view.js";
import type { PolicyView } from "../policy-view.js";
import { edge, entity, graphOf, worldAt } from "./observed.js";
import type { TestEdge } from "./observed.js";

/** A seeded random source (mulberry32). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** `count` draws of `make`, `count` in [lo, hi]. */
  times<T>(lo: number, hi: number, make: () => T): T[] {
    return Array.from({ length: this.int(lo, hi) }, make);
  }
}

/** One generated case: the graph, the policy documents and a view of them under a profile. */
export interface Scenario {
  readonly graph: ObservedGraph;
  readonly documents: readonly SourceDocument[];
  readonly semantics: SemanticsName;
  readonly view: PolicyView;
  readonly namespaces: readonly string[];
}

const NAMESPACES = ["alpha", "beta", "gamma", "delta"];
const TIERS = ["web", "api", "db"];
const WORLD_IPS = ["203.0.113.10", "198.51.100.7", "10.0.5.5", "2001:db8::1", "192.0.2.1"];

/** A random scenario; `seed` decides everything. */
export function randomScenario(seed: number): Scenario {
  const r = new Random(seed);
  const namespaces = NAMESPACES.slice(0, r.int(1, 4));
  const team = new Map(namespaces.map((ns) => [ns, r.pick(["red", "blue"])]));
  const clustered = new Set(namespaces.filter(() => r.chance(0.3)));
  const workloads = Array.from({ length: r.int(5, 30) }, (_, i) => workload(r, { i, namespace: r.pick(namespaces), team, clustered }));
  const docs: unknown[] = namespaces.filter(() => r.chance(0.5)).map((ns) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { team: team.get(ns), zone: r.pick(["z1", "z2"]) } } }));
  const podIps: string[] = [];
  workloads.forEach((w, i) => {
    if (!r.chance(0.3)) return;
    const ip = `10.244.0.${i + 1}`;
    podIps.push(ip);
    docs.push(podOf(r, w, ip));
  });
  const reserved: Identity[] = [
    ...WORLD_IPS.filter(() => r.chance(0.4)).map((ip) => worldAt(ip, r.chance(0.5) ? [r.pick(["api.example.com.", "db.example.org"])] : [])),
    ...(["host", "remote-node", "kube-apiserver", "health"] as const).filter(() => r.chance(0.3)).map((e) => entity(e)),
    ...(podIps.length > 0 && r.chance(0.3) ? [worldAt(r.pick(podIps))] : []),
  ];
  const peers: Identity[] = [...workloads, ...reserved];
  const edges: TestEdge[] = r.times(3, 50, () => {
    const source = r.chance(0.85) ? r.pick(workloads) : r.pick(peers);
    const destination = r.chance(0.85) ? r.pick(workloads) : r.pick(peers);
    const [protocol, port] = r.pick([["TCP", 80], ["TCP", 443], ["TCP", 8080], ["TCP", 9090], ["TCP", 3000], ["TCP", 3003], ["TCP", 5432], ["UDP", 53], ["SCTP", 132], ["ICMPv4", 8]] as const);
    return edge(source, destination, port, { protocol, connections: r.chance(0.7) ? { FORWARDED: 3 } : { DROPPED: 2 } });
  });
  for (let i = r.int(0, 7); i > 0; i--) docs.push(r.chance(0.45) ? networkPolicy(r, namespaces, i) : ciliumPolicy(r, namespaces, i));
  const documents = docs.map((object, documentIndex): SourceDocument => ({ origin: { source: "file", file: `case-${seed}.yaml`, documentIndex }, object }));
  const parsed = parsePolicyDocuments(documents);
  if (parsed.problems.length > 0) throw new Error(`generated policies have problems (seed ${seed}): ${JSON.stringify(parsed.problems)}`);
  const semantics = r.pick(["cilium", "upstream"] as const);
  const view = createPolicyView(compilePolicyModel(parsed), { semantics });
  // Identities seen without edges of their own are candidates too.
  const graph = graphOf(edges);
  const seen = new Set(graph.identities.map((o) => o.identity.key));
  const extra = peers.filter((p) => !seen.has(p.key) && r.chance(0.5)).map((identity) => ({ identity, firstSeenMs: graph.window.sinceMs, lastSeenMs: graph.window.untilMs }));
  return { graph: { ...graph, identities: [...graph.identities, ...extra] }, documents, semantics, view, namespaces };
}

interface WorkloadShape {
  readonly i: number;
  readonly namespace: string;
  readonly team: ReadonlyMap<string, string>;
  readonly clustered: ReadonlySet<string>;
}

function workload(r: Random, shape: WorkloadShape): WorkloadIdentity {
  const { i, namespace } = shape;
  const name = `w${i}`;
  const labels: Record<string, string> = { app: r.chance(0.15) ? "shared" : name };
  if (r.chance(0.7)) labels.tier = r.pick(TIERS);
  if (r.chance(0.4)) labels.env = r.pick(["prod", "dev"]);
  if (r.chance(0.2)) labels["pod-template-hash"] = "5d8f";
  const namespaceLabels: Record<string, string> = { "kubernetes.io/metadata.name": namespace };
  if (r.chance(0.8)) namespaceLabels.team = shape.team.get(namespace) ?? "red";
  // A label of another source under a key pods also carry with `k8s:`: selectors naming
  // the source (`k8s:tier`) and source-less ones (`tier`, `any:tier`) then differ.
  const foreign = r.chance(0.25) ? [`container:tier=${r.pick(TIERS)}`] : [];
  const serviceAccount = r.chance(0.5) ? "default" : name;
  const cluster = shape.clustered.has(namespace) ? "c1" : "";
  return {
    kind: "workload", key: `${namespace}/Deployment/${name}`, cluster, namespace, workloadKind: "Deployment", name, labels, namespaceLabels, serviceAccount,
    ciliumLabels: [
      ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
      ...Object.entries(namespaceLabels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
      `k8s:io.cilium.k8s.policy.serviceaccount=${serviceAccount}`,
      ...(cluster === "" ? [] : [`k8s:io.cilium.k8s.policy.cluster=${cluster}`]),
      ...foreign,
    ],
  };
}

function podOf(r: Random, w: WorkloadIdentity, ip: string): unknown {
  const ports = [
    ...(r.chance(0.7) ? [{ name: "http", containerPort: r.pick([80, 8080]) }] : []),
    ...(r.chance(0.5) ? [{ name: "metrics", containerPort: 9090 }] : []),
    ...(r.chance(0.4) ? [{ name: "dns", containerPort: 53, protocol: "UDP" }] : []),
  ];
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: `${w.name}-5d8f-x1`, namespace: w.namespace, labels: w.labels, ownerReferences: [{ kind: "ReplicaSet", name: `${w.name}-5d8f`, controller: true }] },
    spec: { containers: [{ name: "main", ports }] },
    status: { podIP: ip },
  };
}

function podSelector(r: Random): unknown {
  switch (r.int(0, 4)) {
    case 0:
      return {};
    case 1:
      return { matchLabels: { app: r.pick(["w0", "w1", "w2", "w3", "shared"]) } };
    case 2:
      return { matchLabels: { tier: r.pick(TIERS) } };
    case 3:
      return { matchExpressions: [{ key: "tier", operator: r.pick(["In", "NotIn"]), values: [r.pick(TIERS), r.pick(TIERS)] }] };
    default:
      return { matchLabels: r.chance(0.5) ? { "pod-template-hash": "5d8f" } : {}, matchExpressions: [{ key: "env", operator: r.pick(["Exists", "DoesNotExist"]) }] };
  }
}

function namespaceSelector(r: Random, namespaces: readonly string[]): unknown {
  switch (r.int(0, 3)) {
    case 0:
      return {};
    case 1:
      return { matchLabels: { team: r.pick(["red", "blue"]) } };
    case 2:
      return { matchLabels: { zone: r.pick(["z1", "z2"]) } };
    default:
      return { matchLabels: { "kubernetes.io/metadata.name": r.pick(namespaces) } };
  }
}

function networkPolicy(r: Random, namespaces: readonly string[], i: number): unknown {
  const types = r.chance(0.25) ? undefined : r.pick([["Ingress"], ["Egress"], ["Ingress", "Egress"]]);
  const rule = (): unknown => {
    const peer = (): unknown => {
      switch (r.int(0, 4)) {
        case 0:
          return { podSelector: podSelector(r) };
        case 1:
          return { namespaceSelector: namespaceSelector(r, namespaces) };
        case 2:
          return { namespaceSelector: namespaceSelector(r, namespaces), podSelector: podSelector(r) };
        case 3:
          return { ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.5.0/24"] } };
        default:
          return { ipBlock: { cidr: r.pick(["0.0.0.0/0", "203.0.113.0/24", "10.244.0.0/16"]) } };
      }
    };
    const port = (): unknown =>
      r.pick([{ port: 80 }, { port: 8080, protocol: "TCP" }, { port: "http" }, { port: "dns", protocol: "UDP" }, { port: 3000, endPort: 3005 }, { port: 53, protocol: "UDP" }, { port: 132, protocol: "SCTP" }, { protocol: "TCP" }]);
    return { ...(r.chance(0.75) ? { peers: r.times(1, 2, peer) } : {}), ...(r.chance(0.7) ? { ports: r.times(1, 2, port) } : {}) };
  };
  const rules = (key: "from" | "to"): unknown[] => r.times(0, 2, rule).map((x) => {
    const { peers, ports } = x as { peers?: unknown; ports?: unknown };
    return { ...(peers === undefined ? {} : { [key]: peers }), ...(ports === undefined ? {} : { ports }) };
  });
  return {
    apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
    metadata: { name: `np-${i}`, namespace: r.pick(namespaces) },
    spec: { podSelector: podSelector(r), ...(types === undefined ? {} : { policyTypes: types }), ingress: rules("from"), egress: rules("to") },
  };
}

function ciliumPolicy(r: Random, namespaces: readonly string[], i: number): unknown {
  const clusterwide = r.chance(0.15);
  const entry = (direction: "ingress" | "egress", deny: boolean): unknown => {
    const from = direction === "ingress" ? "from" : "to";
    const l3: Record<string, unknown> = {};
    switch (r.int(0, 8)) {
      case 0:
        l3[`${from}Endpoints`] = r.times(1, 2, () => (r.chance(0.3) ? { matchLabels: { "k8s:io.kubernetes.pod.namespace": r.pick(namespaces) } } : podSelector(r)));
        break;
      case 1:
        l3[`${from}Entities`] = r.times(1, 2, () => r.pick(["world", "cluster", "host", "all", "remote-node", "kube-apiserver", "health"]));
        break;
      case 2:
        l3[`${from}CIDR`] = [r.pick(["203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32"])];
        break;
      case 3:
        l3[`${from}CIDRSet`] = [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }];
        break;
      case 4:
        if (direction === "egress" && !deny) l3.toFQDNs = [r.pick([{ matchName: "api.example.com" }, { matchPattern: "*.example.org" }])];
        break;
      case 5:
        l3[`${from}Endpoints`] = [
          r.pick([
            { matchLabels: { "reserved:host": "" } }, { matchLabels: { "io.cilium.k8s.policy.serviceaccount": "default" } }, {},
            { matchLabels: { [r.pick(["k8s:tier", "any:tier", "tier", "container:tier"])]: r.pick(TIERS) } },
            r.chance(0.5)
              ? { matchExpressions: [{ key: r.pick(["k8s:tier", "tier"]), operator: "NotIn", values: [r.pick(TIERS)] }] }
              : { matchExpressions: [{ key: r.pick(["k8s:tier", "tier"]), operator: "DoesNotExist" }] },
          ]),
        ];
        break;
      case 6:
        if (direction === "ingress") l3.fromNodes = [{ matchLabels: { role: "worker" } }];
        else l3.toEntities = ["world"];
        if (r.chance(0.5)) l3[`${from}Requires`] = [{ matchLabels: { env: "prod" } }];
        break;
      default:
        break;
    }
    const port = (): unknown =>
      r.pick([{ port: "80", protocol: "TCP" }, { port: "3000", endPort: 3005 }, { port: "http" }, { port: "53", protocol: "UDP" }, { port: "0", protocol: "ANY" }, { port: "9090" }, { port: "132", protocol: "SCTP" }]);
    const withPorts = r.chance(0.6) || Object.keys(l3).length === 0 ? r.chance(0.85) : false;
    const toPorts = !deny && r.chance(0.2) ? { ports: [{ port: "80", protocol: "TCP" }], rules: { http: [{ method: "GET" }] } } : { ports: r.times(1, 2, port) };
    return { ...l3, ...(withPorts ? { toPorts: [toPorts] } : {}) };
  };
  const bySource = { matchLabels: { [r.pick(["tier", "any:tier", "container:tier"])]: r.pick(TIERS) } };
  const spec: Record<string, unknown> = { endpointSelector: r.chance(0.2) ? bySource : podSelector(r) };
  for (const [key, direction, deny] of [["ingress", "ingress", false], ["egress", "egress", false], ["ingressDeny", "ingress", true], ["egressDeny", "egress", true]] as const) {
    if (r.chance(deny ? 0.3 : 0.6)) spec[key] = r.times(1, 2, () => entry(direction, deny));
  }
  if (r.chance(0.2)) spec.enableDefaultDeny = { ingress: r.chance(0.5), egress: r.chance(0.5) };
  return {
    apiVersion: "cilium.io/v2", kind: clusterwide ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy",
    metadata: { name: `cnp-${i}`, ...(clusterwide ? {} : { namespace: r.pick(namespaces) }) },
    spec,
  };
}
