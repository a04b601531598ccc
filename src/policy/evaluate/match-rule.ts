import { cidrContains } from "../cidr.js";
import type { CompiledL7, CompiledPeer, CompiledPort, CompiledRule, IcmpMatch, UnsupportedPiece } from "../compile/model.js";
import { NAMESPACE_KEY, NAMESPACE_LABEL_PREFIX, selectorMatches } from "../compile/selector.js";
import type { CompiledRequirement } from "../compile/selector.js";
import type { ConnectionInput, L7Request } from "./endpoint.js";
import { matchIcmpPort } from "./match-icmp.js";
import type { PreparedEndpoint } from "./prepare.js";
import type { SemanticsProfile } from "./semantics.js";

/** Outcome of matching one rule against a connection. */
export interface RuleMatch {
  readonly status: "match" | "no" | "unknown";
  readonly peerIndex?: number;
  readonly portIndex?: number;
  /** Path of the deciding piece (peer, else port, else rule). */
  readonly path?: string;
  readonly l7Restricted?: boolean;
  /** The ICMP alternative that matched; `undefined` when none decided. */
  readonly icmp?: IcmpMatch;
  /** Unsupported pieces that made the status unknown or that apply to the match. */
  readonly touched: readonly UnsupportedPiece[];
}

/** Everything rule matching needs about one connection and direction. */
export interface MatchContext {
  readonly profile: SemanticsProfile;
  readonly input: ConnectionInput;
  readonly peer: PreparedEndpoint;
  /** The destination endpoint (named ports are resolved there). */
  readonly destination: PreparedEndpoint;
}

const NO: RuleMatch = { status: "no", touched: [] };
const ANY: Part = { status: "match", touched: [] };
const NO_PART: Part = { status: "no", touched: [] };

/** Matches a rule: a peer alternative AND a port alternative (with its L7 rules). */
export function matchRule(rule: CompiledRule, ctx: MatchContext): RuleMatch {
  const peer = matchPeers(rule.peers, ctx);
  if (peer.status === "no") return NO;
  const port = matchPorts(rule.ports, ctx);
  if (port.status === "no") return NO;
  const status = peer.status === "unknown" || port.status === "unknown" ? "unknown" : "match";
  const touched =
    peer.touched.length + port.touched.length + rule.unsupported.length === 0
      ? peer.touched
      : [...peer.touched, ...port.touched, ...rule.unsupported];
  return {
    status,
    ...(peer.index === undefined ? {} : { peerIndex: peer.index }),
    ...(port.index === undefined ? {} : { portIndex: port.index }),
    ...(peer.path !== undefined ? { path: peer.path } : port.path !== undefined ? { path: port.path } : {}),
    ...(port.l7Restricted === true ? { l7Restricted: true } : {}),
    ...(port.icmp === undefined ? {} : { icmp: port.icmp }),
    touched,
  };
}

interface Part {
  readonly status: "match" | "no" | "unknown";
  readonly index?: number;
  readonly path?: string;
  readonly l7Restricted?: boolean;
  readonly icmp?: IcmpMatch;
  readonly touched: readonly UnsupportedPiece[];
}

/**
 * Rules with more peers than this are matched through a {@link PeerIndex}: a DNS server's
 * ingress rule can list every workload of the cluster, and a scan would then cost
 * workloads × flows.
 */
const INDEX_PEERS = 16;

/**
 * The peers of a rule, found by label: each selector peer with an `In` requirement (what
 * matchLabels compiles to) is filed under each `key=value` it accepts, as it cannot match
 * an endpoint without one of those labels; every other peer (entities, CIDRs, FQDNs,
 * selectors of only NotIn/Exists/DoesNotExist, unsupported ones) is always a candidate.
 * Candidates are tried in the rule's order, so the first match and the unknown pieces are
 * those a scan of all peers finds.
 */
interface PeerIndex {
  readonly byLabel: ReadonlyMap<string, readonly number[]>;
  readonly always: readonly number[];
}

const peerIndexes = new WeakMap<readonly CompiledPeer[], PeerIndex>();

/** Keys every peer of a rule tends to share (its namespace, namespace labels, cluster): poor ones to file under. */
function broad(key: string): boolean {
  return key === NAMESPACE_KEY || key.startsWith(NAMESPACE_LABEL_PREFIX) || key === "io.cilium.k8s.policy.cluster";
}

/** The `In` requirement to file a selector under: one of its own labels rather than its namespace's. */
function fileUnder(requirements: readonly CompiledRequirement[]): CompiledRequirement | undefined {
  const ins = requirements.filter((r) => r.operator === "In");
  return ins.find((r) => !broad(r.key)) ?? ins[0];
}

function peerIndexOf(peers: readonly CompiledPeer[]): PeerIndex {
  const known = peerIndexes.get(peers);
  if (known !== undefined) return known;
  const byLabel = new Map<string, number[]>();
  const always: number[] = [];
  peers.forEach((p, at) => {
    const key = p.kind === "selector" ? fileUnder(p.selector.requirements) : undefined;
    if (key === undefined) {
      always.push(at);
      return;
    }
    for (const value of key.values) {
      const label = `${key.key}=${value}`;
      const list = byLabel.get(label);
      if (list === undefined) byLabel.set(label, [at]);
      else list.push(at);
    }
  });
  const index = { byLabel, always };
  peerIndexes.set(peers, index);
  return index;
}

/** The positions of the peers that may match the endpoint's labels, in the rule's order. */
function candidatePeers(peers: readonly CompiledPeer[], ctx: MatchContext): number[] {
  const index = peerIndexOf(peers);
  const found = new Set(index.always);
  for (const [key, entries] of ctx.peer.labels.index) {
    for (const e of entries) for (const at of index.byLabel.get(`${key}=${e.value}`) ?? []) found.add(at);
  }
  return [...found].sort((a, b) => a - b);
}

function matchPeers(peers: readonly CompiledPeer[] | undefined, ctx: MatchContext): Part {
  if (peers === undefined) return ANY;
  let unknown: UnsupportedPiece[] | undefined;
  const tried = peers.length > INDEX_PEERS ? candidatePeers(peers, ctx).map((at) => peers[at]) : peers;
  for (const p of tried) {
    if (p === undefined) continue;
    const r = matchPeer(p, ctx);
    if (r === "match") return { status: "match", index: p.index, path: p.path, touched: [] };
    if (r === "unknown" && p.kind === "unsupported") (unknown ??= []).push({ construct: p.construct, path: p.path });
  }
  return unknown === undefined ? NO_PART : { status: "unknown", touched: unknown };
}

function matchPeer(p: CompiledPeer, ctx: MatchContext): "match" | "no" | "unknown" {
  const labels = ctx.peer.labels;
  switch (p.kind) {
    case "selector": {
      let hit = labels.selectorMatches.get(p.selector.id);
      if (hit === undefined) {
        hit = selectorMatches(p.selector, labels.index);
        labels.selectorMatches.set(p.selector.id, hit);
      }
      return hit ? "match" : "no";
    }
    case "entity":
      return labels.entities.has(p.entity) ? "match" : "no";
    case "cidr":
      return matchCidr(p, ctx) ? "match" : "no";
    case "fqdn":
      // toFQDNs selects addresses learnt from DNS answers: peers outside the cluster.
      // Approximation: the names are the ones the flow carries (Hubble's destination
      // names), not the agent's DNS cache, so an address reached without a name in the
      // flow does not match.
      if (!labels.entities.has("world")) return "no";
      return (ctx.peer.input.dnsNames ?? []).some((n) => p.matcher.test(n)) ? "match" : "no";
    case "unsupported":
      return "unknown";
    default: {
      const never: never = p;
      throw new Error(`unknown peer ${JSON.stringify(never)}`);
    }
  }
}

/**
 * CIDR rules (layer3 docs): they select peers Cilium cannot map to a label identity
 * (outside the cluster); they never match pods (both profiles for Cilium rules, cilium
 * profile for ipBlock) and, by default, never nodes; the local host is a node here,
 * although the docs also mention the host namespace among CIDR targets.
 */
function matchCidr(p: Extract<CompiledPeer, { kind: "cidr" }>, ctx: MatchContext): boolean {
  const labels = ctx.peer.labels;
  const { profile } = ctx;
  if (labels.isPod && !(p.from === "ipBlock" && profile.ipBlockMatchesPods)) return false;
  if (labels.isNode && !profile.cidrMatchesNodes) return false;
  if (labels.entities.has("health") || labels.entities.has("ingress")) return false;
  const ip = ctx.peer.ip;
  if (ip === undefined) {
    // Cilium treats a /0 prefix as the whole world, even when the address is unknown.
    return p.cidr.bits === 0 && labels.entities.has("world") && p.except.length === 0;
  }
  return cidrContains(p.cidr, ip) && !p.except.some((e) => cidrContains(e, ip));
}

const L4 = new Set(["TCP", "UDP", "SCTP"]);

function matchPorts(ports: readonly CompiledPort[] | undefined, ctx: MatchContext): Part {
  if (ports === undefined) return ANY;
  let unknown: Part | undefined;
  for (const p of ports) {
    const r = matchPort(p, ctx);
    if (r.status === "match") return r;
    if (r.status === "unknown") unknown ??= r;
  }
  return unknown ?? { status: "no", touched: [] };
}

function matchPort(p: CompiledPort, ctx: MatchContext): Part {
  const { protocol, port } = ctx.input;
  const at = { index: p.index, path: p.path };
  if (p.protocol === "ICMP" || p.protocol === "ICMPv6") {
    const r = matchIcmpPort(p, ctx.input);
    if (r.status === "match") return { status: "match", ...at, icmp: r.icmp, touched: [] };
    if (r.status === "unknown") return { status: "unknown", ...at, touched: [{ construct: r.construct, path: p.path }] };
    return { status: "no", touched: [] };
  }
  // ANY covers the port-based protocols (Cilium expands ANY to TCP, UDP and SCTP,
  // pkg/policy/rule.go mergeIngress / mergeEgress): ICMP is never matched by a port rule.
  if (!L4.has(protocol) || (p.protocol !== "ANY" && p.protocol !== protocol)) return { status: "no", touched: [] };
  const unsupported = (construct: string): Part => ({ status: "unknown", ...at, touched: [{ construct, path: p.path }] });
  if (p.fromNetworkPolicy && p.protocol === "SCTP" && ctx.profile.networkPolicySctp === "unsupported") {
    return unsupported("NetworkPolicy SCTP");
  }
  let lo = p.port;
  let hi = p.endPort ?? p.port;
  if (p.name !== undefined) {
    const named = ctx.destination.namedPorts;
    if (named === undefined) {
      if (!ctx.destination.labels.isPod) return { status: "no", touched: [] };
      return unsupported("named port (destination ports unknown)");
    }
    // Named ports resolve on the destination pod, with the same protocol (NetworkPolicy).
    const hit = named.find((n) => n.name === p.name && (p.protocol === "ANY" || n.protocol === p.protocol));
    if (hit === undefined || (p.protocol === "ANY" && hit.protocol !== protocol)) return { status: "no", touched: [] };
    lo = hit.port;
    hi = hit.port;
  }
  if (lo !== undefined && hi !== undefined) {
    if (port === undefined || port < lo || port > hi) return { status: "no", touched: [] };
    if (p.fromNetworkPolicy && p.endPort !== undefined && ctx.profile.networkPolicyEndPort === "unsupported") {
      return unsupported("NetworkPolicy endPort");
    }
  }
  return matchL7(p.l7, ctx.input.l7, at);
}

function matchL7(l7: CompiledL7 | undefined, request: L7Request | undefined, at: { index: number; path: string }): Part {
  if (l7 === undefined) return { status: "match", ...at, touched: [] };
  if (l7.kind === "unsupported") return { status: "match", ...at, touched: [{ construct: l7.construct, path: l7.path }] };
  if (request === undefined) return { status: "match", ...at, l7Restricted: true, touched: [] };
  if (l7.kind === "dns") {
    if (request.kind !== "dns") return { status: "no", touched: [] };
    const hit = l7.rules.find((r) => r.test(request.query));
    return hit === undefined ? { status: "no", touched: [] } : { status: "match", index: at.index, path: hit.path, touched: [] };
  }
  if (request.kind !== "http") return { status: "no", touched: [] };
  for (const r of l7.rules) {
    if (r.method !== undefined && !r.method.test(request.method)) continue;
    if (r.urlPath !== undefined && !r.urlPath.test(request.path)) continue;
    if (r.host !== undefined && !r.host.test(request.host)) continue;
    const headersOk = r.headers.every((h) =>
      request.headers.some((x) => x.key.toLowerCase() === h.name.toLowerCase() && (h.value === undefined || x.value === h.value)),
    );
    if (!headersOk) continue;
    return { status: "match", index: at.index, path: r.path, touched: r.unsupported };
  }
  return { status: "no", touched: [] };
}
