import type { EdgeSpec, Enforcement, NamespaceSpec, PeerRef, SessionKind, WorkloadSpec } from "./model.js";
import { workloadPeer } from "./model.js";

/**
 * The hand-written multi-tier shop: an ingress controller in front of web → api →
 * postgres/redis/nats, workers on nats, kube-dns, Prometheus, logging, a backup CronJob,
 * a forgotten debug pod, external HTTPS APIs, and a few denied and audited edges.
 */

/** Extra workload metadata the edge builder needs: the port clients and probes dial. */
export interface ServedWorkload extends WorkloadSpec {
  /** Port the Service forwards to; undefined for workloads that serve nothing. */
  readonly servingPort: number | undefined;
}

function wl(
  namespace: string,
  name: string,
  kind: WorkloadSpec["kind"],
  replicas: number,
  ports: { serving?: number; metrics?: number; service?: string },
  labels: readonly string[] = [],
): ServedWorkload {
  return {
    namespace, name, kind, replicas, labels,
    serviceAccount: name,
    metricsPort: ports.metrics,
    service: ports.service,
    servingPort: ports.serving,
  };
}

/** Namespaces of the base app (scaled apps add `team-*` namespaces). */
export const BASE_NAMESPACES: readonly NamespaceSpec[] = [
  { name: "ingress-nginx", labels: ["app.kubernetes.io/name=ingress-nginx"] },
  { name: "shop", labels: ["team=storefront", "environment=production"] },
  { name: "messaging", labels: ["team=platform"] },
  { name: "kube-system", labels: [] },
  { name: "monitoring", labels: ["team=platform"] },
  { name: "logging", labels: ["team=platform"] },
  { name: "default", labels: [] },
];

/** Workloads of the base app. */
export const BASE_WORKLOADS: readonly ServedWorkload[] = [
  wl("ingress-nginx", "ingress-nginx-controller", "Deployment", 2,
    { serving: 443, metrics: 10254, service: "ingress-nginx-controller" },
    ["app.kubernetes.io/component=controller", "app.kubernetes.io/instance=ingress-nginx"]),
  wl("shop", "web", "Deployment", 3, { serving: 8080, metrics: 9113, service: "web" },
    ["app.kubernetes.io/part-of=shop", "tier=frontend"]),
  wl("shop", "api", "Deployment", 3, { serving: 8080, metrics: 9464, service: "api" },
    ["app.kubernetes.io/part-of=shop", "tier=backend"]),
  wl("shop", "worker", "Deployment", 2, { metrics: 9464 }, ["app.kubernetes.io/part-of=shop"]),
  wl("shop", "postgres", "StatefulSet", 2, { serving: 5432, metrics: 9187, service: "postgres" },
    ["app.kubernetes.io/part-of=shop", "app.kubernetes.io/component=database"]),
  wl("shop", "redis", "Deployment", 1, { serving: 6379, metrics: 9121, service: "redis" },
    ["app.kubernetes.io/part-of=shop", "app.kubernetes.io/component=cache"]),
  wl("shop", "db-backup", "CronJob", 1, {}, ["app.kubernetes.io/part-of=shop"]),
  wl("messaging", "nats", "StatefulSet", 3, { serving: 4222, metrics: 7777, service: "nats" }),
  wl("kube-system", "coredns", "Deployment", 2, { serving: 53, metrics: 9153, service: "kube-dns" },
    ["k8s-app=kube-dns"]),
  wl("monitoring", "prometheus", "StatefulSet", 1, { serving: 9090, metrics: 9090, service: "prometheus" }),
  wl("monitoring", "grafana", "Deployment", 1, { serving: 3000, metrics: 3000, service: "grafana" }),
  wl("logging", "fluent-bit", "DaemonSet", 1, { metrics: 2020 }),
  wl("logging", "loki", "StatefulSet", 1, { serving: 3100, metrics: 3100, service: "loki" }),
  wl("default", "debug-shell", "Deployment", 1, {}, ["run=debug-shell"]),
];

/** External FQDNs and the (documentation-range) addresses they resolve to. */
export const BASE_FQDNS: ReadonlyMap<string, readonly string[]> = new Map([
  ["api.stripe.com", ["203.0.113.10", "203.0.113.11"]],
  ["s3.eu-west-1.amazonaws.com", ["198.51.100.20", "198.51.100.21", "198.51.100.22"]],
  ["hooks.slack.com", ["203.0.113.40"]],
  ["pastebin.com", ["192.0.2.80"]],
]);

/** Builds one edge. */
export function edge(
  source: PeerRef,
  destination: PeerRef,
  port: number,
  options: { session?: SessionKind; enforcement?: Enforcement; weight?: number } = {},
): EdgeSpec {
  const session = options.session ?? "tcp";
  return {
    source, destination, port, session,
    protocol: session === "dns" ? "UDP" : "TCP",
    enforcement: options.enforcement ?? "allow",
    weight: options.weight ?? 1,
  };
}

const world = (fqdn?: string): PeerRef =>
  fqdn === undefined ? { kind: "reserved", entity: "world" } : { kind: "reserved", entity: "world", fqdn };
const apiserver: PeerRef = { kind: "reserved", entity: "kube-apiserver" };
const shop = (name: string): PeerRef => workloadPeer("shop", name);
const ingress = workloadPeer("ingress-nginx", "ingress-nginx-controller");

/** The base app's explicit edges (DNS, scraping and probes are added per workload). */
export const BASE_EDGES: readonly EdgeSpec[] = [
  edge(world(), ingress, 443, { weight: 6 }),
  edge(ingress, shop("web"), 8080, { weight: 6 }),
  edge(shop("web"), shop("api"), 8080, { session: "http", weight: 10 }),
  edge(shop("api"), shop("postgres"), 5432, { weight: 5 }),
  edge(shop("api"), shop("redis"), 6379, { weight: 6 }),
  edge(shop("api"), workloadPeer("messaging", "nats"), 4222, { weight: 2 }),
  edge(shop("worker"), workloadPeer("messaging", "nats"), 4222, { weight: 3 }),
  edge(shop("worker"), shop("postgres"), 5432, { weight: 2 }),
  edge(shop("db-backup"), shop("postgres"), 5432, { weight: 0.2 }),
  edge(shop("api"), world("api.stripe.com"), 443, { weight: 1 }),
  edge(shop("worker"), world("s3.eu-west-1.amazonaws.com"), 443, { weight: 1 }),
  edge(shop("worker"), world("hooks.slack.com"), 443, { weight: 0.5 }),
  edge(ingress, apiserver, 6443, { weight: 0.5 }),
  edge(workloadPeer("monitoring", "prometheus"), apiserver, 6443, { weight: 0.5 }),
  edge(workloadPeer("monitoring", "grafana"), workloadPeer("monitoring", "prometheus"), 9090, { weight: 0.5 }),
  edge(workloadPeer("logging", "fluent-bit"), workloadPeer("logging", "loki"), 3100, { weight: 1 }),
  edge({ kind: "reserved", entity: "remote-node" }, { kind: "reserved", entity: "health" }, 4240, { weight: 0.5 }),
  // Traffic the policies stop: default-deny on the database, an over-eager debug pod.
  edge(shop("web"), shop("postgres"), 5432, { enforcement: "deny-ingress", weight: 0.3 }),
  edge(ingress, shop("api"), 8080, { enforcement: "deny-ingress", weight: 0.2 }),
  edge(workloadPeer("default", "debug-shell"), shop("postgres"), 5432, { enforcement: "deny-ingress", weight: 0.3 }),
  edge(workloadPeer("default", "debug-shell"), world("pastebin.com"), 443, { enforcement: "deny-egress", weight: 0.2 }),
  // Would-be drops that a namespace in policy-audit mode lets through.
  edge(workloadPeer("monitoring", "grafana"), shop("postgres"), 5432, { enforcement: "audit", weight: 0.3 }),
  edge(shop("worker"), shop("redis"), 6379, { enforcement: "audit", weight: 0.5 }),
];
