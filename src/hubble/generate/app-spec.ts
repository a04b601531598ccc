import type { ServedWorkload } from "./base-app.js";
import { BASE_EDGES, BASE_FQDNS, BASE_NAMESPACES, BASE_WORKLOADS, edge } from "./base-app.js";
import type { AppSpec, EdgeSpec, NamespaceSpec, PeerRef } from "./model.js";
import { workloadPeer } from "./model.js";
import type { Random } from "./prng.js";

/** The app spec plus the serving ports of its workloads. */
export interface BuiltApp extends AppSpec {
  readonly workloads: readonly ServedWorkload[];
}

const SERVICE_NOUNS = [
  "catalog", "cart", "checkout", "billing", "search", "recommend", "inventory", "shipping",
  "auth", "profile", "notify", "ledger", "pricing", "reviews", "media", "orders",
] as const;
const WORKLOADS_PER_TEAM = 24;

/**
 * The base shop app, grown to `workloadCount` workloads with extra microservices in `team-*`
 * namespaces. Each extra service calls the next one in its namespace and one or two random
 * services elsewhere, so edges grow roughly five per workload once DNS, scraping and probes
 * are counted. Counts below the base app's size yield the base app.
 */
export function buildApp(workloadCount: number, random: Random): BuiltApp {
  const namespaces: NamespaceSpec[] = [...BASE_NAMESPACES];
  const workloads: ServedWorkload[] = [...BASE_WORKLOADS];
  const edges: EdgeSpec[] = [...BASE_EDGES];
  const extra = Math.max(0, workloadCount - BASE_WORKLOADS.length);
  const extras: ServedWorkload[] = [];
  for (let i = 0; i < extra; i++) {
    const team = `team-${String(Math.floor(i / WORKLOADS_PER_TEAM)).padStart(2, "0")}`;
    if (i % WORKLOADS_PER_TEAM === 0) namespaces.push({ name: team, labels: [`team=${team}`] });
    const noun = SERVICE_NOUNS[i % SERVICE_NOUNS.length] ?? "svc";
    const name = `${noun}-${String(i).padStart(4, "0")}`;
    const spec: ServedWorkload = {
      namespace: team, name, kind: "Deployment", replicas: 1 + random.int(2),
      labels: [`app.kubernetes.io/part-of=${team}`], serviceAccount: name,
      metricsPort: 9090, service: name, servingPort: 8080,
    };
    extras.push(spec);
    workloads.push(spec);
  }
  const seen = new Set<string>();
  extras.forEach((spec, i) => {
    const self = workloadPeer(spec.namespace, spec.name);
    const next = extras[i + 1];
    if (next !== undefined && next.namespace === spec.namespace) {
      edges.push(edge(self, workloadPeer(next.namespace, next.name), 8080, { weight: 1 }));
      seen.add(`${spec.name}>${next.name}`);
    }
    const calls = 1 + random.int(2);
    for (let c = 0; c < calls; c++) {
      const target = random.pick(extras);
      if (target === spec) continue;
      // Extra service names are unique across teams, so the pair of names identifies the edge.
      const key = `${spec.name}>${target.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const peer = workloadPeer(target.namespace, target.name);
      // A few calls hit a default-deny or an audit-mode namespace, as in any large cluster.
      const roll = random.float();
      const enforcement = roll < 0.03 ? "deny-ingress" : roll < 0.05 ? "audit" : "allow";
      edges.push(edge(self, peer, 8080, { weight: 0.5, enforcement, session: enforcement === "allow" && random.chance(0.3) ? "http" : "tcp" }));
    }
    if (random.chance(0.1)) edges.push(edge(self, workloadPeer("shop", "api"), 8080, { session: "http", weight: 0.5 }));
  });
  edges.push(...perWorkloadEdges(workloads));
  return { namespaces, workloads, edges, fqdns: BASE_FQDNS };
}

/** Name resolution by every pod, Prometheus scraping every workload, kubelet probes. */
function perWorkloadEdges(workloads: readonly ServedWorkload[]): EdgeSpec[] {
  const coredns = workloadPeer("kube-system", "coredns");
  const prometheus = workloadPeer("monitoring", "prometheus");
  const host: PeerRef = { kind: "reserved", entity: "host" };
  const out: EdgeSpec[] = [];
  for (const spec of workloads) {
    const self = workloadPeer(spec.namespace, spec.name);
    const isCoredns = spec.namespace === "kube-system" && spec.name === "coredns";
    if (!isCoredns) out.push(edge(self, coredns, 53, { session: "dns", weight: 0.4 }));
    const isPrometheus = spec.namespace === "monitoring" && spec.name === "prometheus";
    if (spec.metricsPort !== undefined && !isPrometheus) {
      out.push(edge(prometheus, self, spec.metricsPort, { weight: 0.3 }));
    }
    const probePort = spec.servingPort ?? spec.metricsPort;
    if (probePort !== undefined && spec.kind !== "CronJob") {
      out.push(edge(host, self, probePort, { weight: 0.2 }));
    }
  }
  return out;
}
