import type { Identity } from "../flows/index.js";
import type { CompiledPeer } from "../policy/index.js";
import { connectionInput } from "./assess.js";
import { namespaceOf } from "./endpoints.js";
import { compiledPortText, peerText, portWidth } from "./pieces.js";
import type { PolicyView } from "./policy-view.js";
import type { CatalogRule } from "./rule-catalog.js";
import { ruleFinder } from "./rule-catalog.js";
import type { PieceUse, RuleUse } from "./rule-usage.js";
import { locationOf } from "./rule-text.js";
import type { RuleLocation } from "./rule-text.js";

/**
 * A used allow rule piece much wider than its use. `allowed` and `used` are counted in the
 * metric's unit, and `factor` is allowed / used:
 * - `workloads`: observed identities (workloads and in-cluster entities) the peer admits
 *   with the rule's port, against those that used it; `namespaces` likewise by namespace;
 * - `addresses`: external addresses a CIDR / world peer admits (2^(32-prefix) for IPv4,
 *   2^64 capped for IPv6), against the distinct addresses used (their DNS names listed);
 * - `ports`: (protocol, port) pairs a port alternative admits, against the ports used.
 */
export interface OverBroadAllow {
  readonly location: RuleLocation;
  readonly piece: string;
  readonly metric: "workloads" | "namespaces" | "addresses" | "ports";
  readonly allowed: number;
  readonly used: number;
  readonly factor: number;
  /** What used it: identity keys, DNS names or `PROTO/port`, sorted (at most 20). */
  readonly usedBy: readonly string[];
}

/** Options of {@link overBroadAllowsOf}. */
export interface OverBroadOptions {
  /** Report a piece when allowed / used reaches this (default 4). */
  readonly factor?: number;
  /** Bound on evaluations spent measuring selector breadth (default 200,000). */
  readonly maxEvaluations?: number;
}

const WORLD_ENTITIES = new Set(["world", "world-ipv4", "world-ipv6", "all"]);
const MAX_LISTED = 20;

function isWorld(identity: Identity | undefined): boolean {
  return identity?.kind === "reserved" && identity.entity === "world";
}

function addressCount(peer: CompiledPeer): number | undefined {
  if (peer.kind === "entity" && WORLD_ENTITIES.has(peer.entity)) return 2 ** 32;
  if (peer.kind !== "cidr") return undefined;
  return 2 ** Math.min(64, (peer.cidr.family === 4 ? 32 : 128) - peer.cidr.bits);
}

function finding(rule: CatalogRule, path: string, piece: string, metric: OverBroadAllow["metric"], allowed: number, usedBy: readonly string[]): OverBroadAllow {
  const used = Math.max(1, usedBy.length);
  return { location: locationOf(rule.section.policy, rule.section.direction, path), piece, metric, allowed, used: usedBy.length, factor: allowed / used, usedBy: [...usedBy].sort().slice(0, MAX_LISTED) };
}

/**
 * Over-broad pieces of the used rules. Selector breadth is measured by evaluating each
 * observed identity as the peer, against one subject and one port that used the piece,
 * and counting where this rule (and this peer alternative, the first that matches) decides.
 */
export function overBroadAllowsOf(
  usage: ReadonlyMap<string, RuleUse>,
  view: PolicyView,
  identities: readonly Identity[],
  options: OverBroadOptions = {},
): readonly OverBroadAllow[] {
  const minFactor = options.factor ?? 4;
  let budget = options.maxEvaluations ?? 200_000;
  const find = ruleFinder([...usage.values()].map((u) => u.rule));
  const byKey = new Map(identities.map((i) => [i.key, i]));
  const out: OverBroadAllow[] = [];
  const keep = (f: OverBroadAllow): void => {
    if (f.factor >= minFactor && f.allowed - f.used >= 2) out.push(f);
  };
  const measure = (rule: CatalogRule, use: PieceUse, peerIndex: number | undefined): Identity[] => {
    const subject = byKey.get([...use.subjects].sort()[0] ?? "");
    const port = [...use.ports].sort()[0]?.split("/");
    if (subject === undefined || port === undefined || budget < identities.length) return [];
    budget -= identities.length;
    return identities.filter((peer) => {
      if (isWorld(peer)) return false;
      const egress = rule.section.direction === "egress";
      const input = connectionInput(view, egress ? subject : peer, egress ? peer : subject, port[0] ?? "TCP", Number(port[1]));
      const d = egress ? view.evaluator.evaluate(input).egress : view.evaluator.evaluate(input).ingress;
      return d.rules.some((r) => find(r)?.key === rule.key && (peerIndex === undefined || r.peerIndex === peerIndex));
    });
  };
  const selectorBreadth = (rule: CatalogRule, use: PieceUse, path: string, piece: string, peerIndex: number | undefined): void => {
    const admitted = measure(rule, use, peerIndex);
    if (admitted.length === 0) return;
    const usedIds = [...use.peers].filter((k) => !isWorld(byKey.get(k)));
    const namespaces = new Set(admitted.map(namespaceOf).filter((n) => n !== ""));
    const usedNamespaces = [...new Set(usedIds.map((k) => byKey.get(k)).filter((i) => i !== undefined).map(namespaceOf).filter((n) => n !== ""))];
    const byNamespace = finding(rule, path, piece, "namespaces", namespaces.size, usedNamespaces);
    if (byNamespace.factor >= minFactor && namespaces.size >= 3) keep(byNamespace);
    else keep(finding(rule, path, piece, "workloads", admitted.length, usedIds));
  };
  for (const { rule, whole, peers, ports } of usage.values()) {
    if (whole.edges === 0) continue;
    if (rule.rule.peers === undefined) selectorBreadth(rule, whole, rule.rule.ref.path, "any peer", undefined);
    for (const p of rule.rule.peers ?? []) {
      const use = peers.get(p.index);
      if (use === undefined || use.edges === 0) continue;
      const addresses = addressCount(p);
      if (addresses !== undefined) {
        const names = [...use.peers].flatMap((k) => {
          const i = byKey.get(k);
          return i?.kind === "reserved" && i.dnsNames.length > 0 ? i.dnsNames : [i?.kind === "reserved" && i.ip !== "" ? i.ip : k];
        });
        if (addresses >= 256) keep(finding(rule, p.path, peerText(p), "addresses", addresses, [...new Set(names)]));
      } else if (p.kind === "selector" || p.kind === "entity") {
        selectorBreadth(rule, use, p.path, peerText(p), p.index);
      }
    }
    const portList = rule.rule.ports;
    if (portList === undefined) keep(finding(rule, rule.rule.ref.path, "any port", "ports", portWidth(undefined), [...whole.ports]));
    for (const p of portList ?? []) {
      const use = ports.get(p.index);
      if (use !== undefined && use.edges > 0) keep(finding(rule, p.path, compiledPortText(p), "ports", portWidth(p), [...use.ports]));
    }
  }
  return out;
}
