import { mergePorts } from "./ports.js";
import type { PlannedDirection, PlannedPort, PlannedRule } from "./plan.js";
import { describePrincipal } from "./principal.js";
import type { Principal } from "./principal.js";
import {
  addToGroup, dedupeWarnings, DEFAULT_DENY_NAME, defaultDenySelector, policyName, expectDrops, groupAnnotations, isPorted, policyBaseNames, policyMetadata, policyRef, portSignature, portText,
} from "./render-common.js";
import type { RenderInput, RenderJob, RenderedSet, RuleGroup } from "./render-common.js";
import { selectorObject } from "./selectors.js";
import type { RecommendedPolicy } from "./types.js";
import { worldCidr } from "./world-cidr.js";

const API_VERSION = "networking.k8s.io/v1";
const METADATA_NAME = "kubernetes.io/metadata.name";

// Cilium matches pods and nodes by identity, never by address: "CIDR-based selectors do not
// match in-cluster entities" (docs: security/policy/layer3), and the API server carries the
// kube-apiserver (or host / remote-node) identity, so an ipBlock for its address may not
// match it (cilium/cilium#20550). Only toEntities: kube-apiserver in a CiliumNetworkPolicy
// selects it reliably.
const API_SERVER_NOTE =
  "egress to the API server is allowed by ipBlock for every address it was seen on; Cilium gives the API server the kube-apiserver identity and CIDR rules do not match in-cluster entities in some setups (docs: security/policy/layer3, cilium/cilium#20550); prefer a CiliumNetworkPolicy with toEntities: [kube-apiserver]";

/** A rendering job of NetworkPolicies, with the index its namespaceSelectors need. */
interface NetworkPolicyJob extends RenderJob {
  /** The namespaces of `input.namespaceLabels` carrying each label (by {@link labelKey}): a look-up instead of a scan of every namespace per peer. */
  readonly namespacesByLabel: ReadonlyMap<string, ReadonlySet<string>>;
}

function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function namespacesByLabel(namespaceLabels: RenderInput["namespaceLabels"]): ReadonlyMap<string, ReadonlySet<string>> {
  const out = new Map<string, Set<string>>();
  for (const [ns, labels] of namespaceLabels) {
    for (const [k, v] of Object.entries(labels)) out.set(labelKey(k, v), (out.get(labelKey(k, v)) ?? new Set()).add(ns));
  }
  return out;
}

/**
 * The namespaceSelector of a peer in another namespace: a label its namespace carries,
 * `kubernetes.io/metadata.name` when the identity shows it (Kubernetes sets it on every
 * namespace since 1.21), else another label only that namespace has among those observed.
 */
function namespaceSelector(peer: Principal, job: NetworkPolicyJob, ref: string): Record<string, string> {
  const labels = peer.workload.namespaceLabels;
  if (labels[METADATA_NAME] === peer.namespace) return { [METADATA_NAME]: peer.namespace };
  const carriedElsewhere = (k: string, v: string): boolean => {
    const carriers = job.namespacesByLabel.get(labelKey(k, v));
    return carriers !== undefined && (carriers.size > 1 || !carriers.has(peer.namespace));
  };
  const unique = Object.entries(labels)
    .filter(([k, v]) => !carriedElsewhere(k, v))
    .sort(([a], [b]) => a.localeCompare(b))[0];
  if (unique !== undefined) return { [unique[0]]: unique[1] };
  job.warnings.push({
    kind: "namespace-label", policy: ref,
    message: `the identities of namespace ${peer.namespace} carry neither ${METADATA_NAME} nor another label of their own; the namespaceSelector uses ${METADATA_NAME}, which Kubernetes 1.21+ sets on every namespace`,
  });
  return { [METADATA_NAME]: peer.namespace };
}

/** The NetworkPolicy peers of a planned rule; a string says why there are none. */
function peersOf(rule: PlannedRule, pd: PlannedDirection, job: NetworkPolicyJob, ref: string): { readonly values: readonly Record<string, unknown>[]; readonly label: string; readonly field: string } | string {
  const { peer } = rule;
  switch (peer.kind) {
    case "workload": {
      const choice = job.input.selectors.peer(peer.principal, "NetworkPolicy");
      if (!choice.ok) return `no selector matches ${describePrincipal(peer.principal)} alone: ${choice.reason}`;
      const podSelector = selectorObject(choice.selector);
      // A peer with only podSelector selects pods of the policy's own namespace.
      const value = peer.principal.namespace === pd.subject.namespace ? { podSelector } : { namespaceSelector: { matchLabels: namespaceSelector(peer.principal, job, ref) }, podSelector };
      return { values: [value], label: describePrincipal(peer.principal), field: "pods" };
    }
    case "world": {
      const cidr = worldCidr(peer.ip, job.input.worldPrefix);
      return cidr === undefined ? `${peer.ip} is not an address` : { values: [{ ipBlock: { cidr } }], label: peer.pod === undefined ? peer.ip : `${peer.pod} (${peer.ip})`, field: "ipBlock" };
    }
    case "entity": {
      if (peer.entity === "world") {
        const v6 = rule.ports.some((p) => p.traffic.some((t) => (pd.direction === "ingress" ? t.source : t.destination).key.includes(":") && t.source.key.split(":").length > 2));
        return { values: [{ ipBlock: { cidr: "0.0.0.0/0" } }, ...(v6 ? [{ ipBlock: { cidr: "::/0" } }] : [])], label: "world", field: "ipBlock" };
      }
      if (peer.entity === "kube-apiserver") {
        // An API server on a node carries a node identity too, and Cilium's CIDR rules do not
        // match nodes (docs: security/policy/layer3, "CIDR-based selectors do not match
        // in-cluster entities"): an ipBlock would not allow it.
        if (peer.onNode && job.input.semantics === "cilium") return "NetworkPolicy cannot select an API server that runs on a node (its identity carries host / remote-node, which CIDR rules never match)";
        const cidrs = [...new Set([...peer.ips, ...job.input.apiServerAddresses].map((a) => worldCidr(a, 32)).filter((c) => c !== undefined))].sort();
        if (cidrs.length === 0) return "NetworkPolicy cannot select the API server without its addresses (pass --apiserver-ip)";
        job.warnings.push({ kind: "api-server-ipblock", policy: ref, message: API_SERVER_NOTE });
        return { values: cidrs.map((cidr) => ({ ipBlock: { cidr } })), label: "kube-apiserver", field: "ipBlock" };
      }
      return `NetworkPolicy cannot select the ${peer.entity} entity`;
    }
    default: {
      const never: never = peer;
      return never;
    }
  }
}

function npPorts(ports: readonly PlannedPort[], job: RenderJob): Record<string, unknown>[] {
  const ranges = job.input.portRanges && job.input.semantics === "upstream" ? "ranges" : "single";
  return mergePorts(ports, ranges).map((p) => ({ protocol: p.protocol, port: p.port, ...(p.endPort === undefined ? {} : { endPort: p.endPort }) }));
}

function renderDirection(pd: PlannedDirection, name: string, job: NetworkPolicyJob): RecommendedPolicy | undefined {
  const ns = pd.subject.namespace;
  const ref = policyRef(ns, name);
  const subject = job.input.selectors.subject(pd.subject, "NetworkPolicy");
  if (!subject.ok) {
    job.refusals.push({ kind: "NetworkPolicy", subject: pd.subject.key, outcome: "left-out", reason: `no selector selects ${describePrincipal(pd.subject)} alone: ${subject.reason}` });
    return undefined;
  }
  const groups = new Map<string, RuleGroup>();
  const field = pd.direction === "ingress" ? "from" : "to";
  const breaks = (ports: readonly PlannedPort[], why: string): void => {
    const text = `${pd.direction} ${pd.direction === "egress" ? "to" : "from"} ${why} (${ports.map(portText).join(", ")})`;
    job.warnings.push({ kind: "not-expressible", policy: ref, message: `${text}; not allowed` });
    job.refusals.push({ kind: "NetworkPolicy", subject: pd.subject.key, outcome: "breaks-traffic", reason: `${describePrincipal(pd.subject)}: ${text}` });
    expectDrops(job, pd.direction, ports, "not expressible as a NetworkPolicy");
  };
  for (const rule of pd.rules) {
    // NetworkPolicy ports name TCP, UDP and SCTP only (Cilium: SCTP under the upstream
    // profile); ICMP has no port and a rule without ports would allow every protocol.
    const fits = rule.ports.filter((p) => isPorted(p) && (p.protocol !== "SCTP" || job.input.semantics === "upstream"));
    const misfits = rule.ports.filter((p) => !fits.includes(p));
    if (misfits.length > 0) breaks(misfits, `${rule.peerKey}: NetworkPolicy cannot express this protocol without allowing every port`);
    if (fits.length === 0) continue;
    if (pd.direction === "ingress" && rule.peer.kind === "entity" && rule.peer.entity === "host" && job.input.semantics === "cilium") {
      // Cilium always lets the local host in (its health checks and kubelet probes); no rule is needed.
      continue;
    }
    const peers = peersOf(rule, pd, job, ref);
    if (typeof peers === "string") {
      if (rule.peer.kind === "workload") {
        job.refusals.push({ kind: "NetworkPolicy", subject: pd.subject.key, outcome: "left-out", reason: `${pd.direction} of ${describePrincipal(pd.subject)}: ${peers}` });
        return undefined;
      }
      breaks(fits, `${rule.peerKey}: ${peers}`);
      continue;
    }
    addToGroup(groups, { key: `${peers.field}|${portSignature(fits)}`, field, values: peers.values, peer: peers.label, ports: fits });
  }
  if (groups.size === 0) return undefined;
  const list = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
  const rules = list.map((g) => ({ [field]: g.values, ports: npPorts(g.ports, job) }));
  const object = {
    apiVersion: API_VERSION,
    kind: "NetworkPolicy",
    metadata: policyMetadata(name, ns, groupAnnotations(pd.direction, list)),
    spec: {
      podSelector: selectorObject(subject.selector),
      policyTypes: [pd.direction === "ingress" ? "Ingress" : "Egress"],
      [pd.direction]: rules,
    },
  };
  return { kind: "NetworkPolicy", namespace: ns, name, cluster: pd.subject.cluster, object };
}

/** The default-deny NetworkPolicy of a namespace: every pod isolated both ways, nothing allowed. */
export function networkPolicyDefaultDeny(namespace: string, cluster: string, multiCluster: boolean): RecommendedPolicy {
  const name = policyName(DEFAULT_DENY_NAME, cluster, multiCluster);
  const object = {
    apiVersion: API_VERSION,
    kind: "NetworkPolicy",
    metadata: policyMetadata(name, namespace, []),
    spec: { podSelector: defaultDenySelector(cluster, multiCluster), policyTypes: ["Ingress", "Egress"] },
  };
  return { kind: "NetworkPolicy", namespace, name, cluster, object };
}

/**
 * Kubernetes NetworkPolicies: per workload one `<name>-ingress` and one `<name>-egress`
 * policy (when it had traffic that way), one rule per peer field and port set. Peers and
 * protocols NetworkPolicy cannot express (host, remote-node, Cilium's own entities, ICMP)
 * are reported as traffic the set would break, never guessed. Default-denies are added by
 * the caller.
 */
export function renderNetworkPolicies(input: RenderInput): RenderedSet {
  const names = policyBaseNames(input.planned);
  const job: NetworkPolicyJob = { input, kind: "NetworkPolicy", warnings: [], refusals: [], expected: [], namespacesByLabel: namespacesByLabel(input.namespaceLabels) };
  const policies: RecommendedPolicy[] = [];
  if (input.portRanges && input.semantics === "cilium") {
    job.warnings.push({ kind: "port-range-unsupported", message: "NetworkPolicy port ranges (endPort) are not enforced by Cilium (docs: network/kubernetes/policy); ports are listed one by one" });
  }
  for (const pd of input.planned) {
    const name = policyName(`${names.get(pd.subject.key) ?? pd.subject.workload.name}-${pd.direction}`, pd.subject.cluster, input.multiCluster);
    const policy = renderDirection(pd, name, job);
    if (policy !== undefined) policies.push(policy);
  }
  return { policies, warnings: dedupeWarnings(job.warnings), refusals: job.refusals, expected: job.expected };
}
