import type { Cidr } from "../cidr.js";
import type { FullMatch } from "../regex.js";
import type { CiliumEntity, CiliumProtocol } from "../spec/cilium-policy.js";
import type { IcmpFamily } from "../spec/icmp-types.js";
import type { NamespaceSpec, PodSpec } from "../spec/inventory.js";
import type { Direction, PolicyId } from "../spec/policy-id.js";
import type { CompiledSelector } from "./selector.js";

/**
 * Where a verdict came from: policy, direction, allow/deny, rule index, and (when one
 * peer or port decided) peer and port index. `path` is the field path of the most
 * specific piece, e.g. `spec.ingress[0].from[1]`.
 */
export interface RuleRef {
  readonly policy: PolicyId;
  readonly direction: Direction;
  readonly action: "allow" | "deny";
  /** Index of the rule in its section (`ingress`, `egressDeny`, ...). */
  readonly ruleIndex: number;
  /** `undefined` when the rule has no peer list (any peer). */
  readonly peerIndex?: number;
  /** `undefined` when the rule has no port list (any port). */
  readonly portIndex?: number;
  readonly path: string;
  /** Set when an ICMP alternative (an `icmps` field, or a toPorts ICMP port) decided; `undefined` otherwise. */
  readonly icmp?: IcmpMatch;
}

/** The ICMP alternative that matched a connection, and the connection's ICMP type. */
export interface IcmpMatch {
  /** Field path of the alternative, e.g. `spec.egress[0].icmps[0].fields[1]`. */
  readonly path: string;
  readonly family: IcmpFamily;
  /** The connection's ICMP type; `undefined` when unknown and the alternative admits every type. */
  readonly type?: number;
  /** True when the alternative is an `icmps` field of type 0, which Cilium applies to every type of the family. */
  readonly typeZeroAdmitsAll?: true;
}

/** A construct the model does not evaluate, attached to the piece that holds it. */
export interface UnsupportedPiece {
  readonly construct: string;
  readonly path: string;
}

/** One compiled peer alternative of a rule (a list of peers is ORed). */
export type CompiledPeer =
  | { readonly kind: "selector"; readonly index: number; readonly path: string; readonly selector: CompiledSelector }
  | { readonly kind: "entity"; readonly index: number; readonly path: string; readonly entity: CiliumEntity }
  | {
      readonly kind: "cidr";
      readonly index: number;
      readonly path: string;
      readonly cidr: Cidr;
      readonly except: readonly Cidr[];
      /** NetworkPolicy ipBlock (profile-dependent) or Cilium CIDR rule. */
      readonly from: "ipBlock" | "cilium";
    }
  | { readonly kind: "fqdn"; readonly index: number; readonly path: string; readonly matcher: NameMatcher }
  | { readonly kind: "unsupported"; readonly index: number; readonly path: string; readonly construct: string };

/** A DNS name test (toFQDNs, DNS L7 rules): exact name or Cilium pattern. */
export interface NameMatcher {
  readonly text: string;
  readonly test: (name: string) => boolean;
}

/** One compiled port alternative; ports of a rule are ORed. */
export interface CompiledPort {
  readonly index: number;
  readonly path: string;
  readonly protocol: CiliumProtocol;
  /**
   * `undefined` with `name` undefined: every port of the protocol. For ICMP and ICMPv6
   * the ICMP type, which Cilium uses as the port of ICMP packets: `icmps` fields compile
   * to such ports (their path is the field's, `...icmps[0].fields[1]`).
   */
  readonly port?: number;
  /** Inclusive end of a range. */
  readonly endPort?: number;
  /** A named port, resolved on the destination endpoint at evaluation time. */
  readonly name?: string;
  /** Whether this came from a NetworkPolicy (protocol-specific named ports, profile rules). */
  readonly fromNetworkPolicy: boolean;
  /** L7 rules on this port; `undefined` for plain L4. */
  readonly l7?: CompiledL7;
}

/** Compiled HTTP rule: every present test must pass. */
export interface CompiledHttpRule {
  readonly path: string;
  /** The rule as written, for explanations: `GET /api/.*`, `any method /healthz host=shop.example`. */
  readonly text: string;
  readonly method?: FullMatch;
  readonly urlPath?: FullMatch;
  readonly host?: FullMatch;
  readonly headers: readonly { readonly name: string; readonly value: string | undefined }[];
  readonly unsupported: readonly UnsupportedPiece[];
}

/** L7 rules on a port. */
export type CompiledL7 =
  | { readonly kind: "http"; readonly path: string; readonly rules: readonly CompiledHttpRule[] }
  | { readonly kind: "dns"; readonly path: string; readonly rules: readonly (NameMatcher & { readonly path: string })[] }
  | { readonly kind: "unsupported"; readonly path: string; readonly construct: string };

/** One allow or deny rule. */
export interface CompiledRule {
  readonly ref: RuleRef;
  /** `undefined`: any peer (Cilium rule with only toPorts; NetworkPolicy rule without from/to). */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** `undefined`: every protocol and port. */
  readonly ports: readonly CompiledPort[] | undefined;
  /** Conditions not evaluated (requires, authentication, TLS interception, ...). */
  readonly unsupported: readonly UnsupportedPiece[];
}

/** One policy (or one `specs[i]`) in one direction, for the endpoints it selects. */
export interface PolicySection {
  readonly policy: PolicyId;
  readonly direction: Direction;
  /** `spec`, `specs[2]`; "spec" for NetworkPolicy. */
  readonly path: string;
  /** Selects subjects; `undefined` for host policies (nodeSelector), which are not evaluated. */
  readonly subject: CompiledSelector | undefined;
  /** Namespace whose endpoints it can select; `undefined` for cluster-wide policies. */
  readonly namespace: string | undefined;
  /** Whether selected endpoints become default-deny in this direction. */
  readonly defaultDeny: boolean;
  readonly allow: readonly CompiledRule[];
  readonly deny: readonly CompiledRule[];
}

/** The compiled, immutable policy model. */
export interface PolicyModel {
  readonly sections: readonly PolicySection[];
  /** Sections of namespaced policies, by namespace. */
  readonly byNamespace: ReadonlyMap<string, readonly PolicySection[]>;
  /** Sections of CiliumClusterwideNetworkPolicies with an endpointSelector. */
  readonly clusterwide: readonly PolicySection[];
  /** Host policies (nodeSelector): reported as unsupported for host subjects. */
  readonly hostPolicies: readonly PolicySection[];
  readonly policies: readonly PolicyId[];
  readonly namespaces: ReadonlyMap<string, NamespaceSpec>;
  /** Pods by `namespace/name`. */
  readonly podsByName: ReadonlyMap<string, PodSpec>;
  /** Pods by IP (host-network pods excluded: their IP is the node's). */
  readonly podsByIp: ReadonlyMap<string, PodSpec>;
  /** Number of distinct compiled selectors (ids are 0..selectorCount-1). */
  readonly selectorCount: number;
}
