import type { FlowEndpoint } from "../../flows/flow.js";
import type { NamedPort } from "../spec/inventory.js";

/**
 * One side of a connection as policy sees it. Labels are Cilium-style
 * `source:key=value` strings, the full set (no hygiene applied); reserved identities are
 * labels too (`reserved:world`, `reserved:host`, ...).
 */
export interface PolicyEndpoint {
  readonly labels: readonly string[];
  /** Pod namespace; `undefined` for non-pod peers (then taken from the namespace label, if any). */
  readonly namespace?: string;
  /** Pod name; `undefined` when not a pod or unknown. */
  readonly podName?: string;
  /** Address used for ipBlock / CIDR rules; `undefined` when unknown. */
  readonly ip?: string;
  /** Named container ports; `undefined` when unknown (named ports then cannot be resolved). */
  readonly namedPorts?: readonly NamedPort[];
  /** DNS names of this address (Hubble source/destination names), for toFQDNs; `undefined` = none known. */
  readonly dnsNames?: readonly string[];
  /**
   * Cilium's numeric security identity, when the flow reported one; `undefined` when
   * unknown. Only a cache hint: the labels still decide.
   */
  readonly identity?: number;
}

/** What the L7 proxy saw, when the flow is an L7 record. */
export type L7Request =
  | {
      readonly kind: "http";
      readonly method: string;
      /** Request path with query, e.g. `/api/v1?x=1`. */
      readonly path: string;
      readonly host: string;
      readonly headers: readonly { readonly key: string; readonly value: string }[];
    }
  | { readonly kind: "dns"; readonly query: string };

/** A connection attempt to evaluate (never a reply: replies follow their connection). */
export interface ConnectionInput {
  readonly source: PolicyEndpoint;
  readonly destination: PolicyEndpoint;
  /** "TCP", "UDP", "SCTP", "ICMPv4", "ICMPv6" or another protocol name. */
  readonly protocol: string;
  /** Destination port (TCP/UDP/SCTP); `undefined` for protocols without ports. */
  readonly port?: number;
  /**
   * ICMP type (0-255) of an ICMPv4 / ICMPv6 connection, the type of the packet that opened
   * it (an echo request, not its reply); Cilium matches `icmps` rules and toPorts ICMP
   * ports against it. `undefined` for other protocols, or when unknown: rules that
   * admit only some ICMP types then cannot decide and are reported as not evaluated.
   */
  readonly icmpType?: number;
  /** L7 request details; `undefined` for L3/L4 flows. */
  readonly l7?: L7Request;
}

/** Hubble's reserved identity numbers and the reserved label each stands for. */
const RESERVED_IDENTITIES: Readonly<Record<number, string>> = {
  1: "reserved:host",
  2: "reserved:world",
  3: "reserved:unmanaged",
  4: "reserved:health",
  5: "reserved:init",
  6: "reserved:remote-node",
  7: "reserved:kube-apiserver",
  8: "reserved:ingress",
  9: "reserved:world-ipv4",
  10: "reserved:world-ipv6",
};

/**
 * Builds a PolicyEndpoint from a Hubble flow endpoint, the address seen for it and its
 * DNS names. When Hubble reported no labels, the reserved identity number supplies the
 * reserved label (e.g. identity 2 → `reserved:world`).
 */
export function endpointFromFlowEndpoint(ep: FlowEndpoint, ip: string, names: readonly string[]): PolicyEndpoint {
  const reserved = RESERVED_IDENTITIES[ep.identity];
  const labels = ep.labels.length === 0 && reserved !== undefined ? [reserved] : ep.labels;
  return {
    labels,
    ...(ep.namespace === "" ? {} : { namespace: ep.namespace }),
    ...(ep.podName === "" ? {} : { podName: ep.podName }),
    ...(ip === "" ? {} : { ip }),
    ...(names.length === 0 ? {} : { dnsNames: names }),
    ...(ep.identity > 0 ? { identity: ep.identity } : {}),
  };
}
