import { dnsRules, httpRules } from "./l7-rules.js";
import { mergePorts } from "./ports.js";
import type { PlannedDirection, PlannedPort, PlannedRule } from "./plan.js";
import { hasDns } from "./plan-dns.js";
import { describePrincipal } from "./principal.js";
import {
  addToGroup, dedupeWarnings, DEFAULT_DENY_NAME, defaultDenySelector, policyName, expectDrops, groupAnnotations, isIcmp, isPorted, policyBaseNames, policyMetadata, policyRef, portSignature, portText,
} from "./render-common.js";
import type { RenderInput, RenderJob, RenderedSet, RuleGroup } from "./render-common.js";
import { selectorObject } from "./selectors.js";
import type { RecommendedPolicy } from "./types.js";
import { worldCidr } from "./world-cidr.js";

const API_VERSION = "cilium.io/v2";
// Cilium entities a rule may name (docs: security/policy/language, "Entities Based").
const ENTITIES = new Set(["world", "host", "remote-node", "kube-apiserver", "health", "ingress", "init", "unmanaged"]);

interface Peer {
  readonly field: "Endpoints" | "FQDNs" | "CIDR" | "Entities";
  readonly values: readonly unknown[];
  readonly label: string;
}

/** The peer expressions of a planned rule (a world address may need a name and an address); a string says why there is none. */
function peersOf(rule: PlannedRule, pd: PlannedDirection, job: RenderJob): readonly Peer[] | string {
  const { peer } = rule;
  const egress = pd.direction === "egress";
  switch (peer.kind) {
    case "workload": {
      const choice = job.input.selectors.peer(peer.principal, "CiliumNetworkPolicy");
      if (!choice.ok) return `no selector matches ${describePrincipal(peer.principal)} alone: ${choice.reason}`;
      // An endpoint selector in a namespaced policy selects only its own namespace unless it
      // names another one with the pod-namespace label (docs: policy/kubernetes, namespaces).
      const extra = peer.principal.namespace === pd.subject.namespace ? {} : { "k8s:io.kubernetes.pod.namespace": peer.principal.namespace };
      return [{ field: "Endpoints", values: [selectorObject(choice.selector, extra)], label: describePrincipal(peer.principal) }];
    }
    case "world": {
      const out: Peer[] = [];
      const label = peer.pod === undefined ? peer.ip : `${peer.pod} (${peer.ip})`;
      // toFQDNs learns addresses from the DNS answers the proxy sees: it matches the flows
      // that carried a name. Flows to the address without one need the address itself.
      if (egress && peer.dnsNames.length > 0) out.push({ field: "FQDNs", values: peer.dnsNames.map((matchName) => ({ matchName })), label: peer.dnsNames.join(",") });
      if (!egress || peer.dnsNames.length === 0 || peer.unnamed) {
        const cidr = worldCidr(peer.ip, job.input.worldPrefix);
        if (cidr === undefined) return `${peer.ip} is not an address`;
        out.push({ field: "CIDR", values: [cidr], label });
      }
      return out;
    }
    case "entity":
      return ENTITIES.has(peer.entity) ? [{ field: "Entities", values: [peer.entity], label: peer.entity }] : `Cilium has no entity for ${peer.entity} peers`;
    default: {
      const never: never = peer;
      return never;
    }
  }
}

/** `toPorts` of a group: L4-only ports together, each port with L7 rules in its own entry. */
function toPorts(group: RuleGroup, pd: PlannedDirection, job: RenderJob): Record<string, unknown>[] {
  const ref = policyRef(pd.subject.namespace, pd.subject.workload.name);
  const plain: PlannedPort[] = [];
  const out: Record<string, unknown>[] = [];
  const byPort = new Map<string, PlannedPort[]>();
  // Appended in place: a DNS server's group holds a port entry per client.
  for (const p of group.ports) {
    const key = `${p.protocol}/${p.port}`;
    const list = byPort.get(key);
    if (list === undefined) byPort.set(key, [p]);
    else list.push(p);
  }
  // DNS rules make the DNS proxy see the lookups, which toFQDNs rules learn addresses from
  // (docs: security/policy/language, "DNS based"). Never on a DNS server's own egress: its
  // upstream lookups are not what a policy of its clients is about.
  const dnsRulesHere = pd.direction === "egress" && !job.input.dnsServers.has(pd.subject.key);
  const dnsPorts = dnsRulesHere ? group.ports.filter((p) => p.port === 53 && (p.protocol === "UDP" || p.protocol === "TCP")) : [];
  for (const ports of byPort.values()) {
    const first = ports[0];
    if (first === undefined || dnsPorts.includes(first)) continue;
    const http = job.input.l7 && first.protocol === "TCP" ? ports.flatMap((p) => p.http) : [];
    const rules = http.length > 0 ? httpRules(http) : undefined;
    if (http.length > 0 && rules === undefined) {
      job.warnings.push({ kind: "l7-overflow", policy: ref, message: `${first.protocol}/${first.port}: more HTTP paths than the graph keeps per edge; no HTTP rules on this port` });
    }
    if (rules === undefined) plain.push(first);
    else out.push({ ports: [{ port: String(first.port), protocol: first.protocol }], rules: { http: rules.map((r) => ({ method: r.method, path: r.path })) } });
  }
  if (dnsPorts.length > 0) {
    const seen = dnsPorts.flatMap((p) => p.dns);
    const names = job.input.dnsNames === "exact" ? dnsRules(seen) : [{ matchPattern: "*" }];
    const ports = [...new Set(dnsPorts.map((p) => p.protocol))].sort().map((protocol) => ({ port: "53", protocol }));
    out.unshift({ ports, rules: { dns: names } });
  }
  const ranged = mergePorts(plain, job.input.portRanges ? "ranges" : "single").map((p) => ({
    port: String(p.port), protocol: p.protocol, ...(p.endPort === undefined ? {} : { endPort: p.endPort }),
  }));
  if (ranged.length > 0) out.unshift({ ports: ranged });
  return out;
}

/** `icmps` of a group: one entry with every type, per family (Cilium policy API ICMPRule). */
function icmps(group: RuleGroup): Record<string, unknown>[] {
  const fields = [...new Map(group.ports.filter(isIcmp).map((p) => [`${p.protocol}/${p.port}`, p])).values()]
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port)
    .map((p) => ({ type: p.port, family: p.protocol === "ICMPv6" ? "IPv6" : "IPv4" }));
  return [{ fields }];
}

/** Signature of a group's L7 content, so peers with different HTTP or DNS rules are not merged. */
function l7Signature(ports: readonly PlannedPort[], job: RenderJob): string {
  const http = job.input.l7 ? ports.flatMap((p) => p.http.map((h) => `${h.method} ${h.path}`)) : [];
  const dns = job.input.dnsNames === "exact" ? ports.flatMap((p) => p.dns.map((d) => d.query)) : [];
  return [...new Set([...http, ...dns])].sort().join(",");
}

function renderDirection(pd: PlannedDirection, name: string, job: RenderJob): RecommendedPolicy | undefined {
  const ns = pd.subject.namespace;
  const ref = policyRef(ns, name);
  const subject = job.input.selectors.subject(pd.subject, "CiliumNetworkPolicy");
  if (!subject.ok) {
    job.refusals.push({ kind: "CiliumNetworkPolicy", subject: pd.subject.key, outcome: "left-out", reason: `no selector selects ${describePrincipal(pd.subject)} alone: ${subject.reason}` });
    return undefined;
  }
  const groups = new Map<string, RuleGroup>();
  const to = pd.direction === "egress" ? "to" : "from";
  for (const rule of pd.rules) {
    const ported = rule.ports.filter(isPorted);
    const icmp = rule.ports.filter(isIcmp);
    const other = rule.ports.filter((p) => !isPorted(p) && !isIcmp(p));
    const peers = peersOf(rule, pd, job);
    if (typeof peers === "string") {
      job.refusals.push({ kind: "CiliumNetworkPolicy", subject: pd.subject.key, outcome: "left-out", reason: `${pd.direction} of ${describePrincipal(pd.subject)}: ${peers}` });
      return undefined;
    }
    if (other.length > 0) {
      const text = `${pd.direction} ${to} ${rule.peerKey} on ${other.map(portText).join(", ")}: a CiliumNetworkPolicy rule allows TCP, UDP, SCTP and ICMP only`;
      job.warnings.push({ kind: "not-expressible", policy: ref, message: `${text}; not allowed` });
      job.refusals.push({ kind: "CiliumNetworkPolicy", subject: pd.subject.key, outcome: "breaks-traffic", reason: text });
      expectDrops(job, pd.direction, other, "not expressible");
    }
    for (const peer of peers) {
      const field = `${to}${peer.field}`;
      if (ported.length > 0) {
        const key = `${field}|ports|${portSignature(ported)}|${l7Signature(ported, job)}`;
        addToGroup(groups, { key, field, values: peer.values, peer: peer.label, ports: ported });
      }
      if (icmp.length > 0) addToGroup(groups, { key: `${field}|icmps|${portSignature(icmp)}`, field, values: peer.values, peer: peer.label, ports: icmp });
    }
  }
  if (groups.size === 0) return undefined;
  const list = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
  const rules = list.map((g) => (g.key.includes("|icmps|") ? { [g.field]: g.values, icmps: icmps(g) } : { [g.field]: g.values, toPorts: toPorts(g, pd, job) }));
  if (pd.direction === "egress" && list.some((g) => g.field === "toFQDNs") && !pd.rules.some(hasDns)) {
    // toFQDNs learns addresses from DNS answers the proxy sees (docs: security/policy/language, "DNS based").
    job.warnings.push({ kind: "fqdn-without-dns", policy: ref, message: "toFQDNs rules need the workload's lookups to go through Cilium's DNS proxy, but no DNS traffic (port 53) of this workload was observed; add an egress rule to your DNS server with rules.dns" });
  }
  const object = {
    apiVersion: API_VERSION,
    kind: "CiliumNetworkPolicy",
    metadata: policyMetadata(name, ns, groupAnnotations(pd.direction, list)),
    spec: { endpointSelector: selectorObject(subject.selector), [pd.direction]: rules },
  };
  return { kind: "CiliumNetworkPolicy", namespace: ns, name, cluster: pd.subject.cluster, object };
}

/**
 * The default-deny CiliumNetworkPolicy of a namespace: an empty rule in each direction
 * selects every endpoint of the namespace and allows nothing, which enables default deny
 * both ways (docs: security/policy/language, "Ingress/Egress default deny").
 */
export function ciliumDefaultDeny(namespace: string, cluster: string, multiCluster: boolean): RecommendedPolicy {
  const name = policyName(DEFAULT_DENY_NAME, cluster, multiCluster);
  const object = {
    apiVersion: API_VERSION,
    kind: "CiliumNetworkPolicy",
    metadata: policyMetadata(name, namespace, []),
    spec: { endpointSelector: defaultDenySelector(cluster, multiCluster), ingress: [{}], egress: [{}] },
  };
  return { kind: "CiliumNetworkPolicy", namespace, name, cluster, object };
}

/**
 * CiliumNetworkPolicies: per workload `<name>-ingress` and `<name>-egress`, peers as
 * endpoints, FQDNs (world addresses with known DNS names), CIDRs or entities, DNS rules on
 * port 53, ICMP rules, optional HTTP rules. Default-denies are added by the caller.
 */
export function renderCiliumPolicies(input: RenderInput): RenderedSet {
  const names = policyBaseNames(input.planned);
  const job: RenderJob = { input, kind: "CiliumNetworkPolicy", warnings: [], refusals: [], expected: [] };
  const policies: RecommendedPolicy[] = [];
  for (const pd of input.planned) {
    const name = policyName(`${names.get(pd.subject.key) ?? pd.subject.workload.name}-${pd.direction}`, pd.subject.cluster, input.multiCluster);
    const policy = renderDirection(pd, name, job);
    if (policy !== undefined) policies.push(policy);
  }
  return { policies, warnings: dedupeWarnings(job.warnings), refusals: job.refusals, expected: job.expected };
}
