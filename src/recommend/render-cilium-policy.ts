import { describeIdentity } from "../flows/index.js";
import { dnsRules, httpRules } from "./l7-rules.js";
import { mergePorts } from "./ports.js";
import type { PlannedDirection, PlannedPort, PlannedRule } from "./plan.js";
import {
  addToGroup, addUnique, DEFAULT_DENY_NAME, expectedFor, groupAnnotations, isClusterDns, policyBaseNames, policyMetadata, policyRef, portSignature, rulePorts,
} from "./render-common.js";
import type { ExpectedDrop, RenderInput, RenderedSet, RuleGroup } from "./render-common.js";
import { dedupeWarnings } from "./render-network-policy.js";
import type { RecommendWarning, RecommendedPolicy } from "./types.js";
import { worldCidr } from "./world-cidr.js";

const API_VERSION = "cilium.io/v2";
// Cilium entities a rule may name (docs: security/policy/language, "Entities Based").
const ENTITIES = new Set(["host", "remote-node", "kube-apiserver", "health", "ingress", "init", "unmanaged"]);

interface Job {
  readonly input: RenderInput;
  readonly warnings: RecommendWarning[];
  readonly expected: ExpectedDrop[];
  readonly ref: string;
}

/** The peer fields of a planned rule and its grouping key; undefined when not expressible. */
function peerOf(rule: PlannedRule, direction: "ingress" | "egress", subjectNamespace: string, job: Job): { key: string; field: string; value: unknown } | undefined {
  const { peer } = rule;
  const to = direction === "egress";
  switch (peer.kind) {
    case "workload": {
      const labels: Record<string, string> = { ...(job.input.selectors.get(peer.identity.key)?.matchLabels ?? {}) };
      // An endpoint selector in a namespaced policy selects only its own namespace unless it
      // names another one with the pod-namespace label (docs: policy/kubernetes, namespaces).
      if (peer.identity.namespace !== subjectNamespace) labels["k8s:io.kubernetes.pod.namespace"] = peer.identity.namespace;
      const value = { matchLabels: labels };
      return { key: `ep ${JSON.stringify(value)}`, field: to ? "toEndpoints" : "fromEndpoints", value };
    }
    case "world": {
      const names = [...peer.dnsNames].map((n) => n.toLowerCase().replace(/\.$/, "")).filter((n) => n !== "").sort();
      // World peers on the same ports share one rule: a list of names, or of CIDRs.
      const sig = portSignature(rule.ports);
      if (to && names.length > 0) return { key: `fqdn ${sig}`, field: "toFQDNs", value: names.map((matchName) => ({ matchName })) };
      const cidr = worldCidr(peer.ip, job.input.worldPrefix);
      return cidr === undefined ? undefined : { key: `cidr ${sig}`, field: to ? "toCIDR" : "fromCIDR", value: [cidr] };
    }
    case "entity":
      return ENTITIES.has(peer.entity) ? { key: `entity ${peer.entity}`, field: to ? "toEntities" : "fromEntities", value: peer.entity } : undefined;
    default: {
      const never: never = peer;
      return never;
    }
  }
}

/** `toPorts` of a group: L4-only ports together, each port with L7 rules in its own entry. */
function toPorts(group: RuleGroup, dnsTarget: boolean, job: Job): Record<string, unknown>[] {
  const plain: PlannedPort[] = [];
  const out: Record<string, unknown>[] = [];
  const byPort = new Map<string, PlannedPort[]>();
  for (const p of group.ports) byPort.set(`${p.protocol}/${p.port}`, [...(byPort.get(`${p.protocol}/${p.port}`) ?? []), p]);
  const dnsPorts = dnsTarget ? group.ports.filter((p) => p.port === 53) : [];
  for (const ports of byPort.values()) {
    const first = ports[0];
    if (first === undefined || dnsPorts.includes(first)) continue;
    const http = job.input.l7 && first.protocol === "TCP" ? ports.flatMap((p) => p.http) : [];
    const rules = http.length > 0 ? httpRules(http) : undefined;
    if (http.length > 0 && rules === undefined) {
      job.warnings.push({ kind: "l7-overflow", policy: job.ref, message: `${first.protocol}/${first.port}: more HTTP paths than the graph keeps per edge; no HTTP rules on this port` });
    }
    if (rules === undefined) plain.push(first);
    else out.push({ ports: [{ port: String(first.port), protocol: first.protocol }], rules: { http: rules.map((r) => ({ method: r.method, path: r.path })) } });
  }
  if (dnsPorts.length > 0) {
    // The DNS proxy must see the lookups for toFQDNs rules to learn addresses (docs:
    // security/policy/language, "DNS based"): allow the observed names on port 53.
    const names = dnsRules(group.ports.flatMap((p) => p.dns));
    const ports = [...new Set(dnsPorts.map((p) => p.protocol))].sort().map((protocol) => ({ port: "53", protocol }));
    out.unshift({ ports, rules: { dns: names } });
  }
  const ranged = mergePorts(plain, job.input.portRanges ? "ranges" : "single").map((p) => ({
    port: String(p.port), protocol: p.protocol, ...(p.endPort === undefined ? {} : { endPort: p.endPort }),
  }));
  if (ranged.length > 0) out.unshift({ ports: ranged });
  return out;
}

function renderDirection(pd: PlannedDirection, name: string, job: Job): RecommendedPolicy | undefined {
  const ns = pd.subject.namespace;
  const groups = new Map<string, RuleGroup>();
  const peers = new Map<string, { field: string; values: unknown[]; dns: boolean }>();
  for (const rule of pd.rules) {
    const ports = rulePorts(pd, rule);
    const fits = ports.filter((p) => p.protocol === "TCP" || p.protocol === "UDP" || p.protocol === "SCTP");
    const misfits = ports.filter((p) => !fits.includes(p));
    const label = rule.peer.kind === "workload" ? describeIdentity(rule.peer.identity) : rule.peerKey;
    const peer = peerOf(rule, pd.direction, ns, job);
    const notAllowed = peer === undefined ? ports : misfits;
    if (notAllowed.length > 0) {
      job.expected.push(...expectedFor(pd.direction, notAllowed));
      job.warnings.push({ kind: "not-expressible", policy: job.ref, message: `${pd.direction} with ${label} on ${notAllowed.map((p) => `${p.protocol}/${p.port}`).join(", ")}: not expressible as a port rule; not allowed` });
    }
    if (peer === undefined || fits.length === 0) continue;
    const known = peers.get(peer.key) ?? { field: peer.field, values: [], dns: false };
    addUnique(known.values, Array.isArray(peer.value) ? (peer.value as readonly unknown[]) : [peer.value]);
    peers.set(peer.key, { ...known, dns: known.dns || (pd.direction === "egress" && rule.peer.kind === "workload" && isClusterDns(rule.peer.identity)) });
    addToGroup(groups, peer.key, label, fits);
  }
  if (groups.size === 0) return undefined;
  const list = [...groups.values()];
  const rules = list.map((g) => {
    const p = peers.get(g.key);
    return { [p?.field ?? "toEndpoints"]: p?.values ?? [], toPorts: toPorts(g, p?.dns ?? false, job) };
  });
  const fields = [...peers.values()];
  if (fields.some((p) => p.field === "toFQDNs") && !fields.some((p) => p.dns)) {
    // toFQDNs learns addresses from DNS answers the proxy sees (docs: security/policy/language, "DNS based").
    job.warnings.push({ kind: "fqdn-without-dns", policy: job.ref, message: "toFQDNs rules need DNS traffic through Cilium's DNS proxy, but no lookup to the cluster DNS was observed for this workload; add an egress rule to your DNS server with rules.dns" });
  }
  const object = {
    apiVersion: API_VERSION,
    kind: "CiliumNetworkPolicy",
    metadata: policyMetadata(name, ns, groupAnnotations(pd.direction, list)),
    spec: { endpointSelector: { matchLabels: { ...(job.input.selectors.get(pd.subject.key)?.matchLabels ?? {}) } }, [pd.direction]: rules },
  };
  return { kind: "CiliumNetworkPolicy", namespace: ns, name, object };
}

/**
 * The default-deny CiliumNetworkPolicy of a namespace: an empty rule in each direction
 * selects every endpoint of the namespace and allows nothing, which enables default deny
 * both ways (docs: security/policy/language, "Ingress/Egress default deny").
 */
export function ciliumDefaultDeny(namespace: string): RecommendedPolicy {
  const object = {
    apiVersion: API_VERSION,
    kind: "CiliumNetworkPolicy",
    metadata: policyMetadata(DEFAULT_DENY_NAME, namespace, []),
    spec: { endpointSelector: {}, ingress: [{}], egress: [{}] },
  };
  return { kind: "CiliumNetworkPolicy", namespace, name: DEFAULT_DENY_NAME, object };
}

/**
 * CiliumNetworkPolicies: per workload `<name>-ingress` and `<name>-egress`, peers as
 * endpoints, FQDNs (world addresses with known DNS names), CIDRs or entities, DNS rules
 * on the cluster-DNS port, optional HTTP rules; plus `default-deny` per namespace.
 */
export function renderCiliumPolicies(input: RenderInput): RenderedSet {
  const names = policyBaseNames(input.planned);
  const warnings: RecommendWarning[] = [];
  const expected: ExpectedDrop[] = [];
  const policies: RecommendedPolicy[] = input.namespaces.map(ciliumDefaultDeny);
  for (const pd of input.planned) {
    const name = `${names.get(pd.subject.key) ?? pd.subject.name}-${pd.direction}`;
    const policy = renderDirection(pd, name, { input, warnings, expected, ref: policyRef(pd.subject.namespace, name) });
    if (policy !== undefined) policies.push(policy);
  }
  return { policies, warnings: dedupeWarnings(warnings), expected };
}
