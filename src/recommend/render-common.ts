import type { WorkloadIdentity } from "../flows/index.js";
import { evidenceAnnotation, MANAGED_BY } from "./evidence.js";
import type { PlannedDirection, PlannedPort, PlannedRule } from "./plan.js";
import type { ObservedTraffic, RecommendWarning, RecommendedPolicy } from "./types.js";
import type { WorkloadSelector } from "./workload-selector.js";

/** Traffic a rendered set is known not to allow in one direction (reported in a warning). */
export interface ExpectedDrop {
  readonly traffic: ObservedTraffic;
  readonly direction: "ingress" | "egress";
}

/** What a renderer produces for one policy kind. */
export interface RenderedSet {
  readonly policies: readonly RecommendedPolicy[];
  readonly warnings: readonly RecommendWarning[];
  readonly expected: readonly ExpectedDrop[];
}

/** What every renderer gets. */
export interface RenderInput {
  readonly planned: readonly PlannedDirection[];
  readonly selectors: ReadonlyMap<string, WorkloadSelector>;
  /** Namespaces that get a default-deny policy, sorted. */
  readonly namespaces: readonly string[];
  readonly portRanges: boolean;
  readonly worldPrefix: number;
  readonly apiServerAddresses: readonly string[];
  readonly l7: boolean;
  readonly semantics: "cilium" | "upstream";
}

/** Name of the default-deny policy of each namespace. */
export const DEFAULT_DENY_NAME = "default-deny";

/**
 * Stable policy base names: the workload name, or `<name>-<kind>` when two observed
 * workloads of a namespace share a name (a Deployment and a StatefulSet `web`).
 */
export function policyBaseNames(planned: readonly PlannedDirection[]): ReadonlyMap<string, string> {
  const byName = new Map<string, Set<string>>();
  for (const p of planned) {
    const k = `${p.subject.namespace}/${p.subject.name}`;
    byName.set(k, (byName.get(k) ?? new Set()).add(p.subject.key));
  }
  const out = new Map<string, string>();
  for (const p of planned) {
    const clash = (byName.get(`${p.subject.namespace}/${p.subject.name}`)?.size ?? 0) > 1;
    out.set(p.subject.key, clash ? `${p.subject.name}-${p.subject.workloadKind.toLowerCase()}` : p.subject.name);
  }
  return out;
}

/** Whether a workload is the cluster DNS service (CoreDNS / kube-dns, NodeLocal DNSCache), by its conventional labels. */
export function isClusterDns(w: WorkloadIdentity): boolean {
  const app = w.labels["k8s-app"] ?? w.labels["app.kubernetes.io/name"] ?? w.labels.app ?? "";
  return ["kube-dns", "coredns", "node-local-dns", "nodelocaldns"].includes(app);
}

/**
 * The ports of a rule. Traffic with the cluster DNS on port 53 covers both UDP and TCP 53,
 * on the client's egress and on the DNS server's ingress: resolvers fall back to TCP for
 * truncated answers (RFC 7766), which a short window may not have shown.
 */
export function rulePorts(pd: PlannedDirection, rule: PlannedRule): readonly PlannedPort[] {
  const dnsEnd = pd.direction === "egress" ? (rule.peer.kind === "workload" ? rule.peer.identity : undefined) : pd.subject;
  if (dnsEnd === undefined || !isClusterDns(dnsEnd)) return rule.ports;
  const dns = rule.ports.find((p) => p.port === 53 && (p.protocol === "UDP" || p.protocol === "TCP"));
  if (dns === undefined) return rule.ports;
  const out = [...rule.ports];
  for (const protocol of ["TCP", "UDP"]) {
    if (!out.some((p) => p.port === 53 && p.protocol === protocol)) out.push({ ...dns, protocol, evidence: { ...dns.evidence, connections: 0, requests: 0, existing: 0 }, traffic: [], http: [], dns: [] });
  }
  return out.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

/** Metadata of a generated policy, with evidence annotations. */
export function policyMetadata(name: string, namespace: string, annotations: readonly [string, string][]): Record<string, unknown> {
  return {
    name,
    namespace,
    labels: { ...MANAGED_BY },
    ...(annotations.length > 0 ? { annotations: Object.fromEntries(annotations) } : {}),
  };
}

/** A group of planned rules that render as one policy rule (same peer expression). */
export interface RuleGroup {
  readonly key: string;
  readonly peers: readonly string[];
  readonly ports: PlannedPort[];
}

/** Adds ports of one planned rule to the group with `key` (creating it), keeping first-seen order. */
export function addToGroup(groups: Map<string, RuleGroup>, key: string, peer: string, ports: readonly PlannedPort[]): void {
  const g = groups.get(key) ?? { key, peers: [], ports: [] };
  groups.set(key, { ...g, peers: g.peers.includes(peer) ? g.peers : [...g.peers, peer], ports: [...g.ports, ...ports] });
}

/** The evidence annotations of a direction's groups. */
export function groupAnnotations(direction: "ingress" | "egress", groups: readonly RuleGroup[]): [string, string][] {
  return groups.map((g, i) => evidenceAnnotation(direction, i, g.peers.join(","), g.ports));
}

/** Expected drops for ports of a rule that cannot be expressed. */
export function expectedFor(direction: "ingress" | "egress", ports: readonly PlannedPort[]): ExpectedDrop[] {
  return ports.flatMap((p) => p.traffic.map((traffic) => ({ traffic, direction })));
}

/** The namespace-qualified policy name, for warnings. */
export function policyRef(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** `TCP/443,UDP/53`: the ports of a rule, for grouping world peers that use the same ports into one rule. */
export function portSignature(ports: readonly PlannedPort[]): string {
  return [...new Set(ports.map((p) => `${p.protocol}/${p.port}`))].sort().join(",");
}

/** Appends values not yet in `into` (compared as JSON). */
export function addUnique(into: unknown[], values: readonly unknown[]): void {
  for (const v of values) if (!into.some((x) => JSON.stringify(x) === JSON.stringify(v))) into.push(v);
}
