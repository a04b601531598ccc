import type { Cidr } from "../cidr.js";
import type { IcmpFamily } from "./icmp-types.js";
import type { LabelSelectorSpec } from "./label-selector.js";
import type { ParsedObjectBase, PolicyId } from "./policy-id.js";

/** A validated CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy (cilium.io/v2). */
export interface CiliumPolicySpec extends ParsedObjectBase {
  readonly id: PolicyId & { readonly kind: "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy" };
  /** `spec` then each of `specs`, in order. */
  readonly rules: readonly CiliumRuleSpec[];
}

/**
 * Cilium's policy entities (fromEntities / toEntities), as the policy API defines them:
 * `world` covers `world-ipv4` and `world-ipv6`; `cluster` covers host, remote-node, init,
 * ingress, health, unmanaged, kube-apiserver and every pod of the cluster; `none` selects
 * nothing; `all` selects everything.
 */
export type CiliumEntity =
  | "world"
  | "world-ipv4"
  | "world-ipv6"
  | "cluster"
  | "host"
  | "remote-node"
  | "kube-apiserver"
  | "health"
  | "init"
  | "ingress"
  | "unmanaged"
  | "none"
  | "all";

/** Every entity name Cilium accepts. */
export const CILIUM_ENTITIES: readonly CiliumEntity[] = [
  "world",
  "world-ipv4",
  "world-ipv6",
  "cluster",
  "host",
  "remote-node",
  "kube-apiserver",
  "health",
  "init",
  "ingress",
  "unmanaged",
  "none",
  "all",
];

/** A construct the model recognises but does not evaluate; reported wherever it matters. */
export interface UnsupportedSpec {
  /** Field name, e.g. `toServices`, `fromRequires`, `rules.kafka`. */
  readonly construct: string;
  readonly path: string;
}

/** One rule (`spec` or `specs[i]`). */
export interface CiliumRuleSpec {
  /** `spec` or `specs[3]`. */
  readonly path: string;
  /** `undefined` when the rule uses `nodeSelector` (a host policy). */
  readonly endpointSelector: LabelSelectorSpec | undefined;
  /** `undefined` unless this is a host policy. */
  readonly nodeSelector: LabelSelectorSpec | undefined;
  /** Each section is `undefined` when absent; an empty list is kept as empty. */
  readonly ingress: readonly CiliumPeerRuleSpec[] | undefined;
  readonly ingressDeny: readonly CiliumPeerRuleSpec[] | undefined;
  readonly egress: readonly CiliumPeerRuleSpec[] | undefined;
  readonly egressDeny: readonly CiliumPeerRuleSpec[] | undefined;
  /** `enableDefaultDeny.{ingress,egress}`; `undefined` when not written (then: has rules). */
  readonly enableDefaultDeny: { readonly ingress?: boolean; readonly egress?: boolean };
  /**
   * Entries written per direction (allow plus deny), counting entries that failed to parse:
   * Cilium's default deny depends on what was written, so a dropped entry must not lift it.
   */
  readonly writtenEntries: { readonly ingress: number; readonly egress: number };
}

/**
 * One ingress/egress (allow or deny) rule. Peer lists are `undefined` when absent;
 * Cilium treats a rule with no L3 field but with `toPorts` or `icmps` as "any peer".
 */
export interface CiliumPeerRuleSpec {
  readonly path: string;
  /** Position in its section (entries that failed to parse are absent). */
  readonly index: number;
  readonly endpoints: readonly PathedSelector[] | undefined;
  readonly entities: readonly PathedEntity[] | undefined;
  readonly cidrs: readonly CidrRuleSpec[] | undefined;
  /** Egress only. */
  readonly fqdns: readonly FqdnSelectorSpec[] | undefined;
  readonly toPorts: readonly PortRuleSpec[] | undefined;
  /**
   * `icmps` entries; `undefined` when absent or an empty list (Cilium then reads the rule
   * as if `icmps` were not written). Never set together with a non-empty `toPorts`.
   */
  readonly icmps: readonly IcmpRuleSpec[] | undefined;
  /** L3 constructs the model does not evaluate (toServices, toGroups, fromNodes, ...). */
  readonly unsupportedPeers: readonly UnsupportedSpec[];
  /** Constraints that narrow every other rule (fromRequires / toRequires), or that add conditions (authentication, TLS). */
  readonly unsupportedConstraints: readonly UnsupportedSpec[];
}

/** An endpoint selector with its field path. */
export interface PathedSelector {
  readonly path: string;
  readonly selector: LabelSelectorSpec;
}

/** An entity with its field path. */
export interface PathedEntity {
  readonly path: string;
  readonly entity: CiliumEntity;
}

/** fromCIDR/toCIDR entries (no except) and fromCIDRSet/toCIDRSet entries. */
export interface CidrRuleSpec {
  readonly path: string;
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

/** A toFQDNs entry: exactly one of name or pattern. */
export interface FqdnSelectorSpec {
  readonly path: string;
  /** Lower-case name without trailing dot; `undefined` when a pattern is used. */
  readonly matchName: string | undefined;
  /** The pattern as written (lower-cased); `undefined` when a name is used. */
  readonly matchPattern: string | undefined;
}

/** One `icmps` entry: its fields are alternatives; an entry without fields admits nothing. */
export interface IcmpRuleSpec {
  readonly path: string;
  readonly fields: readonly IcmpFieldSpec[];
}

/** One `icmps[].fields[]` entry, with a type name already turned into its code. */
export interface IcmpFieldSpec {
  readonly path: string;
  readonly family: IcmpFamily;
  /** ICMP type code, 0-255. */
  readonly type: number;
}

/** Cilium `toPorts[].ports[].protocol`; ANY is the default. */
export type CiliumProtocol = "TCP" | "UDP" | "SCTP" | "ICMP" | "ICMPv6" | "ANY";

/** One `toPorts` entry: ports plus optional L7 rules. */
export interface PortRuleSpec {
  readonly path: string;
  /** Empty means every port. */
  readonly ports: readonly CiliumPortSpec[];
  /** `undefined` when the entry has no `rules`. */
  readonly l7: L7RulesSpec | undefined;
}

/** A port: number, named port, or every port (`undefined` / "0"). */
export interface CiliumPortSpec {
  readonly path: string;
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
  readonly protocol: CiliumProtocol;
}

/** L7 rules on a port: one kind per port rule. */
export type L7RulesSpec =
  | { readonly kind: "http"; readonly path: string; readonly rules: readonly HttpRuleSpec[] }
  | { readonly kind: "dns"; readonly path: string; readonly rules: readonly FqdnSelectorSpec[] }
  | { readonly kind: "unsupported"; readonly path: string; readonly construct: string };

/** An HTTP rule; every present field must match (regexes are anchored, RE2-like). */
export interface HttpRuleSpec {
  readonly path: string;
  readonly method: string | undefined;
  readonly urlPath: string | undefined;
  readonly host: string | undefined;
  /** `headers` ("Name" or "Name: value") and plain `headerMatches` (name + value). */
  readonly headers: readonly { readonly name: string; readonly value: string | undefined }[];
  /** headerMatches with a mismatch action or a secret: not evaluated. */
  readonly unsupported: readonly UnsupportedSpec[];
}
