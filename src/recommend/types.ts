import type { OverPermission } from "../audit/index.js";
import type { ConnectionProtocol, Identity } from "../flows/index.js";
import type { ObservedEdge } from "../graph/index.js";
import type { SemanticsName } from "../policy/index.js";

/** Which policy kinds to recommend. */
export type PolicyKindChoice = "networkpolicy" | "cilium" | "both";

/** Options of {@link recommendPolicies}. Every member but `kind` has a default. */
export interface RecommendOptions {
  readonly kind: PolicyKindChoice;
  /** Recommend only for workloads of this namespace; undefined: every namespace observed. */
  readonly namespace?: string | undefined;
  /** Add CiliumNetworkPolicy HTTP rules from observed method and path; default false. */
  readonly l7?: boolean;
  /** Merge contiguous observed ports into `port`/`endPort` ranges; default false. */
  readonly portRanges?: boolean;
  /** Also allow connections Hubble reported DROPPED; default false. */
  readonly includeDrops?: boolean;
  /** IPv4 prefix length world addresses are aggregated to (8..32); undefined: 32, one rule per address. */
  readonly worldPrefix?: number;
  /** Addresses of the Kubernetes API server, for NetworkPolicy ipBlock rules; undefined: none known. */
  readonly apiServerAddresses?: readonly string[];
  /** Semantics the replay uses; undefined: `cilium`. */
  readonly semantics?: SemanticsName;
}

/** One observed connection class the recommendation must allow. */
export interface ObservedTraffic {
  readonly edge: ObservedEdge;
  readonly source: Identity;
  readonly destination: Identity;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  /** New connections that got through (plus dropped ones with includeDrops). */
  readonly connections: number;
  readonly requests: number;
  readonly existing: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** Evidence behind one recommended rule. */
export interface RuleEvidence {
  /** New connections (and, with includeDrops, dropped ones). */
  readonly connections: number;
  /** L7 requests (HTTP, DNS) seen by the proxy. */
  readonly requests: number;
  /** Sightings of connections opened before observation began. */
  readonly existing: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** Something the recommendation could not express exactly, or that the user should know. */
export interface RecommendWarning {
  readonly kind:
    | "not-expressible"
    | "api-server-ipblock"
    | "selector-not-exact"
    | "port-range-unsupported"
    | "l7-overflow"
    | "fqdn-without-dns"
    | "unknown-peer";
  /** The policy concerned, `<namespace>/<name>`; undefined when none. */
  readonly policy?: string;
  readonly message: string;
}

/** One generated Kubernetes object plus where it belongs. */
export interface RecommendedPolicy {
  readonly kind: "NetworkPolicy" | "CiliumNetworkPolicy";
  readonly namespace: string;
  readonly name: string;
  /** The object as `kubectl apply` reads it. */
  readonly object: Readonly<Record<string, unknown>>;
}

/** A connection the recommended set drops in replay. */
export interface ReplayDrop {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  /** `denied-egress`, `denied-ingress`, or an L7 request (`GET /x`, `dns example.com`). */
  readonly detail: string;
}

/** The over-permission of a recommended set: the audit's ratio plus what world rules cover. */
export interface PermissionReport {
  /** The audit's measure over the identities and ports of the window (target ratio 1.0). */
  readonly overPermission: OverPermission;
  /** World rules: CIDR rules and the addresses they cover versus the addresses observed, FQDN names allowed. */
  readonly world: { readonly cidrRules: number; readonly addressesCovered: number; readonly addressesObserved: number; readonly fqdnNames: number };
}

/** The result of replaying the window through the recommended set. */
export interface ValidationReport {
  readonly replayed: number;
  /** Drops of connections the chosen kinds cannot express (reported in warnings); anything else is a failure. */
  readonly expectedDrops: readonly ReplayDrop[];
  readonly permissions: PermissionReport;
}

/** A validated recommendation. */
export interface Recommendation {
  readonly policies: readonly RecommendedPolicy[];
  readonly warnings: readonly RecommendWarning[];
  /** One report per kind generated. */
  readonly validation: Readonly<Partial<Record<"NetworkPolicy" | "CiliumNetworkPolicy", ValidationReport>>>;
  readonly traffic: number;
}

/** Why a recommendation was not produced: it failed its own checks (a bug, never output). */
export interface RecommendFailure {
  readonly kind: "replay-drops" | "invalid-output";
  readonly messages: readonly string[];
}

/** Outcome of {@link recommendPolicies}. */
export type RecommendResult = { readonly ok: true; readonly recommendation: Recommendation } | { readonly ok: false; readonly failure: RecommendFailure };
