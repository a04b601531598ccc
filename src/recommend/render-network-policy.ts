import { describeIdentity } from "../flows/index.js";
import { mergePorts } from "./ports.js";
import type { PlannedDirection, PlannedPort, PlannedRule } from "./plan.js";
import {
  addToGroup, addUnique, DEFAULT_DENY_NAME, expectedFor, groupAnnotations, policyBaseNames, policyMetadata, policyRef, portSignature, rulePorts,
} from "./render-common.js";
import type { ExpectedDrop, RenderInput, RenderedSet, RuleGroup } from "./render-common.js";
import type { RecommendWarning, RecommendedPolicy } from "./types.js";
import { worldCidr } from "./world-cidr.js";

const API_VERSION = "networking.k8s.io/v1";

// Cilium matches pods and nodes by identity, never by address: "CIDR-based selectors do not
// match in-cluster entities" (docs: security/policy/layer3), and the API server carries the
// kube-apiserver (or host / remote-node) identity, so an ipBlock for its address may not
// match it (cilium/cilium#20550). Only toEntities: kube-apiserver in a CiliumNetworkPolicy
// selects it reliably.
const API_SERVER_NOTE =
  "egress to the API server is allowed by ipBlock; Cilium gives the API server the kube-apiserver identity and CIDR rules do not match in-cluster entities in some setups (docs: security/policy/layer3, cilium/cilium#20550); prefer a CiliumNetworkPolicy with toEntities: [kube-apiserver]";

interface Job {
  readonly input: RenderInput;
  readonly warnings: RecommendWarning[];
  readonly expected: ExpectedDrop[];
  readonly ref: string;
  readonly pd: PlannedDirection;
}

/** The NetworkPolicy peer key and peer list of a planned rule; undefined when not expressible. */
function peerOf(rule: PlannedRule, subjectNamespace: string, job: Job): { key: string; peers: readonly Record<string, unknown>[] } | undefined {
  const { peer } = rule;
  switch (peer.kind) {
    case "workload": {
      const podSelector = { matchLabels: { ...(job.input.selectors.get(peer.identity.key)?.matchLabels ?? {}) } };
      // A peer with only podSelector selects pods of the policy's own namespace; other
      // namespaces are named by the kubernetes.io/metadata.name label every namespace has.
      const p = peer.identity.namespace === subjectNamespace
        ? { podSelector }
        : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.identity.namespace } }, podSelector };
      return { key: JSON.stringify(p), peers: [p] };
    }
    case "world": {
      const cidr = worldCidr(peer.ip, job.input.worldPrefix);
      // World peers on the same ports share one rule with a list of ipBlocks.
      return cidr === undefined ? undefined : { key: `ipBlock ${portSignature(rulePorts(job.pd, rule))}`, peers: [{ ipBlock: { cidr } }] };
    }
    case "entity":
      if (peer.entity === "kube-apiserver" && job.input.apiServerAddresses.length > 0) {
        const cidrs = [...new Set(job.input.apiServerAddresses.map((a) => worldCidr(a, 32)).filter((c) => c !== undefined))].sort();
        return { key: "kube-apiserver", peers: cidrs.map((cidr) => ({ ipBlock: { cidr } })) };
      }
      return undefined;
    default: {
      const never: never = peer;
      return never;
    }
  }
}

function npPorts(ports: readonly PlannedPort[], job: Job): Record<string, unknown>[] {
  const ranges = job.input.portRanges && job.input.semantics === "upstream" ? "ranges" : "single";
  return mergePorts(ports, ranges).map((p) => ({ protocol: p.protocol, port: p.port, ...(p.endPort === undefined ? {} : { endPort: p.endPort }) }));
}

function renderDirection(pd: PlannedDirection, name: string, job: Job): RecommendedPolicy | undefined {
  const ns = pd.subject.namespace;
  const groups = new Map<string, RuleGroup>();
  const peersByKey = new Map<string, unknown[]>();
  for (const rule of pd.rules) {
    const ports = rulePorts(pd, rule);
    const fits = ports.filter((p) => p.protocol === "TCP" || p.protocol === "UDP" || (p.protocol === "SCTP" && job.input.semantics === "upstream"));
    const misfits = ports.filter((p) => !fits.includes(p));
    const label = rule.peer.kind === "workload" ? describeIdentity(rule.peer.identity) : rule.peerKey;
    if (misfits.length > 0) {
      job.expected.push(...expectedFor(pd.direction, misfits));
      job.warnings.push({ kind: "not-expressible", policy: job.ref, message: `${pd.direction} with ${label} on ${misfits.map((p) => `${p.protocol}/${p.port}`).join(", ")}: NetworkPolicy cannot express this protocol under ${job.input.semantics} semantics; not allowed` });
    }
    if (fits.length === 0) continue;
    const peer = peerOf(rule, ns, job);
    if (peer === undefined) {
      job.expected.push(...expectedFor(pd.direction, fits));
      job.warnings.push({ kind: "not-expressible", policy: job.ref, message: `${pd.direction} with ${label}: NetworkPolicy cannot select this peer${rule.peerKey === "reserved:kube-apiserver" ? " without its addresses (pass --apiserver-ip)" : ""}; not allowed` });
      continue;
    }
    if (rule.peer.kind === "entity") {
      job.expected.push(...expectedFor(pd.direction, fits));
      job.warnings.push({ kind: "api-server-ipblock", policy: job.ref, message: API_SERVER_NOTE });
    }
    const known = peersByKey.get(peer.key) ?? [];
    addUnique(known, peer.peers);
    peersByKey.set(peer.key, known);
    addToGroup(groups, peer.key, label, fits);
  }
  if (groups.size === 0) return undefined;
  const list = [...groups.values()];
  const field = pd.direction === "ingress" ? "from" : "to";
  const rules = list.map((g) => ({ [field]: peersByKey.get(g.key) ?? [], ports: npPorts(g.ports, job) }));
  const object = {
    apiVersion: API_VERSION,
    kind: "NetworkPolicy",
    metadata: policyMetadata(name, ns, groupAnnotations(pd.direction, list)),
    spec: {
      podSelector: { matchLabels: { ...(job.input.selectors.get(pd.subject.key)?.matchLabels ?? {}) } },
      policyTypes: [pd.direction === "ingress" ? "Ingress" : "Egress"],
      [pd.direction]: rules,
    },
  };
  return { kind: "NetworkPolicy", namespace: ns, name, object };
}

/** The default-deny NetworkPolicy of a namespace: every pod isolated both ways, nothing allowed. */
export function networkPolicyDefaultDeny(namespace: string): RecommendedPolicy {
  const object = {
    apiVersion: API_VERSION,
    kind: "NetworkPolicy",
    metadata: policyMetadata(DEFAULT_DENY_NAME, namespace, []),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
  return { kind: "NetworkPolicy", namespace, name: DEFAULT_DENY_NAME, object };
}

/**
 * Kubernetes NetworkPolicies: per workload one `<name>-ingress` and one `<name>-egress`
 * policy (when it had traffic that way), one rule per peer expression with the observed
 * ports, plus `default-deny` per namespace. Peers NetworkPolicy cannot select (host,
 * remote-node, Cilium's own entities) are reported, not guessed.
 */
export function renderNetworkPolicies(input: RenderInput): RenderedSet {
  const names = policyBaseNames(input.planned);
  const warnings: RecommendWarning[] = [];
  const expected: ExpectedDrop[] = [];
  const policies: RecommendedPolicy[] = input.namespaces.map(networkPolicyDefaultDeny);
  if (input.portRanges && input.semantics === "cilium") {
    warnings.push({ kind: "port-range-unsupported", message: "NetworkPolicy port ranges (endPort) are not enforced by Cilium (docs: network/kubernetes/policy); ports are listed one by one" });
  }
  for (const pd of input.planned) {
    const name = `${names.get(pd.subject.key) ?? pd.subject.name}-${pd.direction}`;
    const policy = renderDirection(pd, name, { input, warnings, expected, ref: policyRef(pd.subject.namespace, name), pd });
    if (policy !== undefined) policies.push(policy);
  }
  return { policies, warnings: dedupeWarnings(warnings), expected };
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
