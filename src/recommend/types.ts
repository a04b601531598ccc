import type { OverPermission } from "../audit/index.js";
import type { ConnectionProtocol, EndpointVariant, Identity } from "../flows/index.js";
import type { EffectiveWindow, ObservedEdge } from "../graph/index.js";
import type { SemanticsName } from "../policy/index.js";

/** Which policy kinds to recommend. */
export type PolicyKindChoice = "networkpolicy" | "cilium" | "both";

/**
 * Where a namespace-wide default-deny is written: `named`, in each namespace given in
 * `namespaces`; `all`, in every observed namespace that is not excluded; `none`, nowhere.
 */
export type DefaultDenyChoice = "named" | "all" | "none";

/** Options of {@link recommendPolicies}. Every member but `kind` has a default. */
export interface RecommendOptions {
  readonly kind: PolicyKindChoice;
  /**
   * Recommend only for workloads of these namespaces; undefined or empty: every observed
   * namespace except the excluded ones (see `excludeNamespaces`).
   */
  readonly namespaces?: readonly string[] | undefined;
  /**
   * Namespaces left alone unless named in `namespaces`, besides kube-system, kube-* and
   * cilium* (system namespaces nobody asked to isolate); undefined: only those.
   */
  readonly excludeNamespaces?: readonly string[] | undefined;
  /** Undefined: `named`. */
  readonly defaultDeny?: DefaultDenyChoice | undefined;
  /** Add CiliumNetworkPolicy HTTP rules from observed method and path; default false. */
  readonly l7?: boolean;
  /** DNS rules of CiliumNetworkPolicies: `pattern` (default) allows every name, `exact` the names observed. */
  readonly dnsNames?: "pattern" | "exact";
  /** Merge contiguous observed ports into `port`/`endPort` ranges; default false. */
  readonly portRanges?: boolean;
  /** Also allow connections Hubble reported DROPPED; default false. */
  readonly includeDrops?: boolean;
  /** Also allow connections with an AUDIT verdict (a policy in audit mode would deny them); default false. */
  readonly includeAudit?: boolean;
  /** IPv4 prefix length world addresses are aggregated to (8..32); undefined: 32, one rule per address. */
  readonly worldPrefix?: number;
  /**
   * A workload port that received from at least this many distinct world addresses is
   * open to the whole world (an ingress controller, a LoadBalancer backend); undefined: 16.
   */
  readonly publicIngressThreshold?: number;
  /** Addresses of the Kubernetes API server, for NetworkPolicy ipBlock rules, besides those observed; undefined: none. */
  readonly apiServerAddresses?: readonly string[];
  /** Semantics the replay uses; undefined: `cilium`. */
  readonly semantics?: SemanticsName;
}

/** One observed connection class the recommendation must allow: an edge and the end variants of its flows. */
export interface ObservedTraffic {
  readonly edge: ObservedEdge;
  readonly source: Identity;
  readonly destination: Identity;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  /** What policy saw of the ends, per flow class (see EdgeVariant); at least one. */
  readonly variants: readonly TrafficVariant[];
  /** New connections that got through (plus AUDIT / dropped ones when asked for). */
  readonly connections: number;
  readonly requests: number;
  readonly existing: number;
  /** AUDIT-verdict connections and requests included (includeAudit). */
  readonly audited: number;
  /** Dropped connections and requests included (includeDrops). */
  readonly dropped: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** One pair of end variants of an edge, with the request-direction flows seen with it. */
export interface TrafficVariant {
  readonly source: EndpointVariant;
  readonly destination: EndpointVariant;
  /** Flows that got through (L3/L4 and L7 records); 0 for variants made up from identity labels. */
  readonly flows: number;
}

/** Evidence behind one recommended rule. */
export interface RuleEvidence {
  /** New connections (and, with includeDrops / includeAudit, dropped and AUDIT ones). */
  readonly connections: number;
  /** L7 requests (HTTP, DNS) seen by the proxy. */
  readonly requests: number;
  /** Sightings of connections opened before observation began. */
  readonly existing: number;
  /** AUDIT-verdict connections included: a policy in audit mode would deny them. */
  readonly audited: number;
  /** Dropped connections included. */
  readonly dropped: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Why the rule is there although it was not observed as such; undefined: observed. */
  readonly added?: string;
}

/** Something the recommendation could not express exactly, or that the user should know. */
export interface RecommendWarning {
  readonly kind:
    | "not-expressible"
    | "api-server-ipblock"
    | "port-range-unsupported"
    | "l7-overflow"
    | "fqdn-without-dns"
    | "world-identity-pod"
    | "public-ingress"
    | "namespace-label"
    | "isolated-without-allow"
    | "excluded-traffic"
    | "unknown-direction"
    | "skipped-namespace"
    | "invalid-name";
  /** The policy concerned, `<namespace>/<name>`; undefined when none. */
  readonly policy?: string;
  readonly message: string;
}

/**
 * Why a recommendation is not complete: a workload's policy (or a namespace's default-deny)
 * left out because it could not be written least-privilege, or a policy written that
 * would deny observed traffic its kind cannot express. Either makes `recommend` exit 1
 * unless `--allow-partial`.
 */
export interface Refusal {
  readonly kind: "NetworkPolicy" | "CiliumNetworkPolicy";
  /** Principal key of the workload (`namespace/Kind/name`, `@cluster` when several), or the namespace of a default-deny. */
  readonly subject: string;
  readonly outcome: "left-out" | "breaks-traffic";
  readonly reason: string;
}

/** One generated Kubernetes object plus where it belongs. */
export interface RecommendedPolicy {
  readonly kind: "NetworkPolicy" | "CiliumNetworkPolicy";
  readonly namespace: string;
  readonly name: string;
  /** The Cilium cluster of the endpoints it selects; "" for a single-cluster window. */
  readonly cluster: string;
  /** The object as `kubectl apply` reads it. */
  readonly object: Readonly<Record<string, unknown>>;
}

/** Flows of the window a replay denied, grouped by edge and reason. */
export interface ReplayDrop {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  /** `egress`, `ingress`, or an L7 request (`GET /x at ingress`, `dns example.com at egress`). */
  readonly detail: string;
  /** Forwarded flows denied. */
  readonly flows: number;
  /** Why the drop is expected (a reason of the warnings or refusals); undefined: unexpected, a failure. */
  readonly expected?: string;
}

/** The over-permission of a recommended set: the audit's ratio plus what world rules cover. */
export interface PermissionReport {
  /** The audit's measure over the identities and ports of the window (target ratio 1.0). */
  readonly overPermission: OverPermission;
  /** World rules: CIDR rules and the addresses they cover versus the addresses observed, FQDN names allowed. */
  readonly world: { readonly cidrRules: number; readonly addressesCovered: number; readonly addressesObserved: number; readonly fqdnNames: number };
}

/**
 * The result of replaying the window's flows through the recommended set: every
 * request-direction flow that got through, judged exactly as `simulate` judges it.
 */
export interface ValidationReport {
  /** Forwarded or redirected request-direction flows replayed (L3/L4 and L7 records). */
  readonly flows: number;
  /** Flows the set denies; all of them expected (see `drops`), or the recommendation fails. */
  readonly denied: number;
  /** Denied flows by edge and reason. */
  readonly drops: readonly ReplayDrop[];
  /** Records whose direction nothing settled: not judged (simulate marks them `direction: unknown`). */
  readonly unknownDirection: number;
  readonly permissions: PermissionReport;
}

/** A validated recommendation. */
export interface Recommendation {
  /** The window of the traffic it was derived from (the graph's: wider than asked, with a note, where buckets reached across it). */
  readonly window: EffectiveWindow;
  readonly policies: readonly RecommendedPolicy[];
  readonly warnings: readonly RecommendWarning[];
  /** Workloads and default-denies left out because they could not be written least-privilege; empty when complete. */
  readonly refusals: readonly Refusal[];
  /** One report per kind generated. */
  readonly validation: Readonly<Partial<Record<"NetworkPolicy" | "CiliumNetworkPolicy", ValidationReport>>>;
  /** Observed edges the set allows. */
  readonly traffic: number;
  /** Clusters of the window; several: the policies are split per cluster. */
  readonly clusters: readonly string[];
}

/** Why a recommendation was not produced: it failed its own checks (a bug, never output). */
export interface RecommendFailure {
  readonly kind: "replay-drops" | "invalid-output";
  readonly messages: readonly string[];
}

/** Outcome of {@link recommendPolicies}. */
export type RecommendResult = { readonly ok: true; readonly recommendation: Recommendation } | { readonly ok: false; readonly failure: RecommendFailure };
