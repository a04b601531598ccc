import type { CompiledL7, CompiledPeer, CompiledPort, CompiledRule } from "../compile/model.js";
import { describeIcmpType } from "../explain/describe-icmp.js";

/** The word for a list that admits everything: a missing peer or port list. */
export const ALL = "all";
/** The word for a list that admits nothing: a rule or a policy that isolates without allowing. */
export const NONE = "none";

/**
 * The peers of a rule, one text per alternative (they are ORed). Kubernetes: a missing or
 * empty `from`/`to` matches all peers. Cilium: an entry with toPorts or icmps and no L3
 * field matches any peer (`peers` undefined), while `- {}` (no L3, no L4) matches none
 * (`peers` empty); see compile-cilium-policy.ts.
 */
export function describePeers(rule: CompiledRule): readonly string[] {
  if (rule.peers === undefined) return [ALL];
  if (rule.peers.length === 0) return [NONE];
  return rule.peers.map(describePeer);
}

/** One peer alternative: the compiled selector, `entity:world`, `cidr:10.0.0.0/8 except 10.1.0.0/16`, `fqdn:matchName api.example.com`. */
export function describePeer(peer: CompiledPeer): string {
  switch (peer.kind) {
    case "selector":
      return peer.selector.requirements.length === 0 ? "all endpoints" : peer.selector.text;
    case "entity":
      return `entity:${peer.entity}`;
    case "cidr": {
      const head = `${peer.from === "ipBlock" ? "ipBlock" : "cidr"}:${peer.cidr.text}`;
      return peer.except.length === 0 ? head : `${head} except ${peer.except.map((c) => c.text).join(", ")}`;
    }
    case "fqdn":
      return `fqdn:${peer.matcher.text}`;
    case "unsupported":
      return `${peer.construct} (not modelled: treated as not matching)`;
    default: {
      const never: never = peer;
      throw new Error(`unknown peer ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The ports of a rule, one text per alternative, L7 rules after their port. Missing or
 * empty `ports`/`toPorts` match every port and protocol; `- {}` in Cilium matches nothing.
 */
export function describePorts(rule: CompiledRule): readonly string[] {
  if (rule.ports === undefined) return [rule.peers !== undefined && rule.peers.length === 0 ? NONE : ALL];
  if (rule.ports.length === 0) return [NONE];
  return rule.ports.map(describePort);
}

/** `80/TCP`, `8000-8080/TCP`, `http/TCP` (named), `all/UDP`, `ICMPv4 type 8 (EchoRequest)`, with ` L7 ...` appended. */
export function describePort(port: CompiledPort): string {
  const l4 = l4Text(port);
  return port.l7 === undefined ? l4 : `${l4} ${describeL7(port.l7)}`;
}

function l4Text(port: CompiledPort): string {
  // Cilium keeps an ICMP type in the port of ICMP and ICMPv6 ports (pkg/policy/api/icmp.go).
  if (port.protocol === "ICMP") return describeIcmpType("IPv4", port.port);
  if (port.protocol === "ICMPv6") return describeIcmpType("IPv6", port.port);
  const number = port.name ?? (port.port === undefined ? ALL : port.endPort === undefined ? String(port.port) : `${port.port}-${port.endPort}`);
  // Cilium `protocol: ANY` (or no protocol) matches TCP, UDP and SCTP alike.
  if (port.protocol === "ANY") return number === ALL ? ALL : `${number}/ANY`;
  return `${number}/${port.protocol}`;
}

/** `L7 http: GET /api/.* | any method /healthz`, `L7 dns: matchPattern *.example.com`. */
export function describeL7(l7: CompiledL7): string {
  switch (l7.kind) {
    case "http":
      return `L7 http: ${l7.rules.length === 0 ? ALL : l7.rules.map((r) => r.text).join(" | ")}`;
    case "dns":
      return `L7 dns: ${l7.rules.length === 0 ? ALL : l7.rules.map((r) => r.text).join(" | ")}`;
    case "unsupported":
      return `L7 ${l7.construct} (not modelled)`;
    default: {
      const never: never = l7;
      throw new Error(`unknown L7 rules ${JSON.stringify(never)}`);
    }
  }
}
