import { CLUSTER_LABEL } from "../flows/index.js";
import { evidenceAnnotation, MANAGED_BY } from "./evidence.js";
import type { PlannedDirection, PlannedPort } from "./plan.js";
import type { Principal } from "./principal.js";
import type { PolicyKind, SelectorBook } from "./selectors.js";
import type { ObservedTraffic, RecommendWarning, RecommendedPolicy, Refusal } from "./types.js";

/** Traffic a rendered set is known not to allow in one direction, and why. */
export interface ExpectedDrop {
  readonly traffic: ObservedTraffic;
  readonly direction: "ingress" | "egress";
  /** Protocol and port of the traffic concerned (the whole edge). */
  readonly reason: string;
}

/** What a renderer produces for one policy kind. */
export interface RenderedSet {
  readonly policies: readonly RecommendedPolicy[];
  readonly warnings: readonly RecommendWarning[];
  readonly refusals: readonly Refusal[];
  readonly expected: readonly ExpectedDrop[];
}

/** What every renderer gets. */
export interface RenderInput {
  readonly planned: readonly PlannedDirection[];
  readonly selectors: SelectorBook;
  readonly portRanges: boolean;
  readonly worldPrefix: number;
  /** API server addresses given besides those observed. */
  readonly apiServerAddresses: readonly string[];
  readonly l7: boolean;
  readonly dnsNames: "pattern" | "exact";
  readonly semantics: "cilium" | "upstream";
  /** Keys of principals that serve DNS (their own egress gets no DNS rules). */
  readonly dnsServers: ReadonlySet<string>;
  /** Namespace labels by namespace, for NetworkPolicy namespaceSelectors. */
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Whether the window holds several clusters: policy names then end in `-<cluster>`. */
  readonly multiCluster: boolean;
}

/** The mutable state of rendering one kind. */
export interface RenderJob {
  readonly input: RenderInput;
  readonly kind: PolicyKind;
  readonly warnings: RecommendWarning[];
  readonly refusals: Refusal[];
  readonly expected: ExpectedDrop[];
}

/**
 * Stable policy base names: the workload name, or `<name>-<kind>` when two principals of a
 * namespace and cluster share a name (a Deployment and a StatefulSet `web`).
 */
export function policyBaseNames(planned: readonly PlannedDirection[]): ReadonlyMap<string, string> {
  const byName = new Map<string, Set<string>>();
  const nameKey = (p: Principal): string => `${p.cluster}/${p.namespace}/${p.workload.name}`;
  for (const pd of planned) byName.set(nameKey(pd.subject), (byName.get(nameKey(pd.subject)) ?? new Set()).add(pd.subject.key));
  const out = new Map<string, string>();
  for (const pd of planned) {
    const clash = (byName.get(nameKey(pd.subject))?.size ?? 0) > 1;
    out.set(pd.subject.key, clash ? `${pd.subject.workload.name}-${pd.subject.workload.workloadKind.toLowerCase()}` : pd.subject.workload.name);
  }
  return out;
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

/** Peers that render as one rule: same peer field, same ports (and L7 rules), the values of each peer listed. */
export interface RuleGroup {
  readonly key: string;
  readonly field: string;
  readonly values: unknown[];
  /** Who the values stand for, for the evidence annotation. */
  readonly peers: string[];
  readonly ports: PlannedPort[];
  /** What `values` and `peers` already hold (values by their JSON): keyed, not scanned, as a DNS server's rule gathers every workload. */
  readonly seenValues: Set<string>;
  readonly seenPeers: Set<string>;
}

/**
 * Adds a peer to the group of its field and port signature. Peers merge into one rule only
 * when their port sets (and L7 rules) are equal, so a rule never allows a peer a port that
 * only another peer of the rule used.
 */
export function addToGroup(groups: Map<string, RuleGroup>, group: { key: string; field: string; values: readonly unknown[]; peer: string; ports: readonly PlannedPort[] }): void {
  let g = groups.get(group.key);
  if (g === undefined) {
    g = { key: group.key, field: group.field, values: [], peers: [], ports: [], seenValues: new Set(), seenPeers: new Set() };
    groups.set(group.key, g);
  }
  for (const v of group.values) {
    const key = JSON.stringify(v);
    if (g.seenValues.has(key)) continue;
    g.seenValues.add(key);
    g.values.push(v);
  }
  if (!g.seenPeers.has(group.peer)) {
    g.seenPeers.add(group.peer);
    g.peers.push(group.peer);
  }
  g.ports.push(...group.ports);
}

/** How many peers an evidence annotation names before it counts the rest. */
export const EVIDENCE_PEERS = 20;

/**
 * The peers of a rule as its evidence annotation names them: all of them up to
 * {@link EVIDENCE_PEERS}, then how many more. A rule of a DNS server or a scraper has
 * thousands of peers; Kubernetes bounds a policy's annotations to 256 KiB in all.
 */
export function peersText(peers: readonly string[]): string {
  if (peers.length <= EVIDENCE_PEERS) return peers.join(",");
  return `${peers.slice(0, EVIDENCE_PEERS).join(",")} and ${peers.length - EVIDENCE_PEERS} more`;
}

/** The evidence annotations of a direction's groups. */
export function groupAnnotations(direction: "ingress" | "egress", groups: readonly RuleGroup[]): [string, string][] {
  return groups.map((g, i) => evidenceAnnotation(direction, i, peersText(g.peers), g.ports));
}

/** Records the traffic of some ports as not allowed in one direction, with the reason (for the replay). */
export function expectDrops(job: RenderJob, direction: "ingress" | "egress", ports: readonly PlannedPort[], reason: string): void {
  for (const p of ports) for (const traffic of p.traffic) job.expected.push({ traffic, direction, reason });
}

/** The namespace-qualified policy name, for warnings. */
export function policyRef(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** `TCP/443,UDP/53`: the ports of a rule, for grouping peers that use the same ports into one rule. */
export function portSignature(ports: readonly PlannedPort[]): string {
  return [...new Set(ports.map((p) => `${p.protocol}/${p.port}`))].sort().join(",");
}

/** Whether a port entry is a port-based protocol. */
export function isPorted(p: PlannedPort): boolean {
  return p.protocol === "TCP" || p.protocol === "UDP" || p.protocol === "SCTP";
}

/** Whether a port entry is ICMP (its port is the ICMP type). */
export function isIcmp(p: PlannedPort): boolean {
  return p.protocol === "ICMPv4" || p.protocol === "ICMPv6";
}

/** `TCP/8080`, `ICMPv4 type 8`. */
export function portText(p: PlannedPort): string {
  return isIcmp(p) ? `${p.protocol} type ${p.port}` : `${p.protocol}/${p.port}`;
}

/** Warnings without repeats, in first-seen order. */
export function dedupeWarnings(warnings: readonly RecommendWarning[]): RecommendWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.kind}|${w.policy ?? ""}|${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The default-deny policy name of each namespace. */
export const DEFAULT_DENY_NAME = "default-deny";

/**
 * A policy's name: `<base>-<direction>` (or `default-deny`), ending in `-<cluster>` when
 * the window holds several clusters, so the clusters' sets can be reviewed and simulated
 * together without one replacing another.
 */
export function policyName(base: string, cluster: string, multiCluster: boolean): string {
  return multiCluster && cluster !== "" ? `${base}-${cluster}` : base;
}

/** The subject selector of a default-deny: every endpoint of the namespace (of its cluster, when the window holds several). */
export function defaultDenySelector(cluster: string, multiCluster: boolean): Record<string, unknown> {
  return multiCluster && cluster !== "" ? { matchLabels: { [CLUSTER_LABEL]: cluster } } : {};
}
