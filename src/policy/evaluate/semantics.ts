/**
 * The one place where the `cilium` and `upstream` semantics differ. Everything else in
 * the policy core is shared. `cilium` (the default) models what Cilium enforces;
 * `upstream` models the Kubernetes NetworkPolicy specification as its e2e conformance
 * tests exercise it. Only NetworkPolicy-derived rules and implicit allows differ;
 * Cilium's own policy kinds mean the same under both profiles.
 */

/** Profile names accepted by `--semantics`. */
export type SemanticsName = "cilium" | "upstream";

/** Every profile name, for option validation. */
export const SEMANTICS_NAMES: readonly SemanticsName[] = ["cilium", "upstream"];

/** The deviations, each with the upstream text or Cilium documentation behind it. */
export interface SemanticsProfile {
  readonly name: SemanticsName;
  /**
   * Whether a NetworkPolicy `ipBlock` matches pod IPs.
   * upstream: yes; ipBlock is matched on the peer address (the e2e tests allow pods by
   * their IP with ipBlock). cilium: no; Cilium lists "ipBlock set with a pod IP" as a
   * known missing feature (docs: network/kubernetes/policy, issue 9209): pods are
   * matched by identity, never by CIDR.
   */
  readonly ipBlockMatchesPods: boolean;
  /**
   * Whether ipBlock / CIDR selectors match node addresses (host, remote-node).
   * cilium: no by default; "CIDR-based selectors do not match in-cluster entities (pods
   * or nodes)" unless `policy-cidr-match-mode=nodes` (docs: security/policy/layer3).
   * Not modelled: the agent option `policy-cidr-match-mode=nodes` (beta), under which
   * CIDR / ipBlock selectors do match node addresses; the cilium profile assumes the
   * default mode, so on such clusters rules that select nodes by CIDR read as denied.
   * upstream: yes for remote nodes (traffic with the local node is always allowed anyway).
   */
  readonly cidrMatchesNodes: boolean;
  /**
   * NetworkPolicy features Cilium documents as missing (docs: network/kubernetes/policy):
   * SCTP (issue 5719) and port ranges with endPort (issue 16622). Under `cilium` a rule
   * piece using them is reported as unsupported instead of being guessed.
   */
  readonly networkPolicySctp: "supported" | "unsupported";
  readonly networkPolicyEndPort: "supported" | "unsupported";
  /**
   * Implicit allows for traffic with the pod's own node. upstream: "traffic to and from
   * the node where a Pod is running is always allowed" (NetworkPolicy concept page).
   * cilium: only ingress from the local host is allowed by default (`allow-localhost`,
   * docs: security/policy/layer3 "Access to/from local host"); egress to the host needs
   * policy (`toEntities: host`).
   */
  readonly localHost: "ingress" | "both";
  /** upstream: "a pod cannot block access to itself" (NetworkPolicy concept page). */
  readonly selfAlwaysAllowed: boolean;
  /**
   * Whether labels go through Cilium's default identity-relevant label filter before
   * matching (docs: operations/performance/scalability/identity-relevant-labels). Labels
   * reported by Hubble are already filtered; labels taken from Pod objects are not, and
   * Cilium would not see e.g. `pod-template-hash` in an identity.
   */
  readonly identityLabelFilter: boolean;
}

const PROFILES: Readonly<Record<SemanticsName, SemanticsProfile>> = {
  cilium: {
    name: "cilium",
    ipBlockMatchesPods: false,
    cidrMatchesNodes: false,
    networkPolicySctp: "unsupported",
    networkPolicyEndPort: "unsupported",
    localHost: "ingress",
    selfAlwaysAllowed: false,
    identityLabelFilter: true,
  },
  upstream: {
    name: "upstream",
    ipBlockMatchesPods: true,
    cidrMatchesNodes: true,
    networkPolicySctp: "supported",
    networkPolicyEndPort: "supported",
    localHost: "both",
    selfAlwaysAllowed: true,
    identityLabelFilter: false,
  },
};

/** The profile for a name; `undefined` selects `cilium`. */
export function semanticsProfile(name: SemanticsName | undefined): SemanticsProfile {
  return PROFILES[name ?? "cilium"];
}

/** Whether a string names a profile. */
export function isSemanticsName(value: string): value is SemanticsName {
  return value === "cilium" || value === "upstream";
}

/**
 * Cilium's default exclusive label patterns (anchored at the key start), applied to
 * every source except `reserved`. The namespace label and the labels Cilium derives
 * from the Namespace and the policy context are always kept.
 */
const EXCLUDED_KEY_PREFIXES = [
  "io.kubernetes",
  "kubernetes.io",
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "batch.kubernetes.io/job-completion-index",
  "batch.kubernetes.io/controller-uid",
  "beta.kubernetes.io",
  "k8s.io",
  "pod-template-generation",
  "pod-template-hash",
  "controller-revision-hash",
  "annotation",
  "controller-uid",
  "etcd_node",
];

/** Whether Cilium's default filter keeps a label with this source and key. */
export function isIdentityRelevant(source: string, key: string): boolean {
  if (source === "reserved" || source === "cidr" || source === "fqdn") return true;
  if (key === "io.kubernetes.pod.namespace" || key.startsWith("io.cilium.k8s.")) return true;
  return !EXCLUDED_KEY_PREFIXES.some((p) => key.startsWith(p));
}
