import type { ObservedGraph } from "../graph/index.js";
import type { Direction } from "../policy/index.js";
import { formatPolicyId } from "../policy/index.js";
import { assessEdges } from "./assess.js";
import type { EdgeAssessment } from "./assess.js";
import { namespaceOf } from "./endpoints.js";
import type { FlowExample } from "./examples.js";
import type { PolicyView } from "./policy-view.js";
import { ruleRefText } from "./rule-text.js";
import { isUsed } from "./traffic.js";

/**
 * Why an observed connection would be dropped:
 * - `not-isolated`: it passes only because no policy isolates the subject in this
 *   direction; default-deny with the current allow rules drops it (policy model);
 * - `denied`: the policies as given deny it although it was observed getting through,
 *   e.g. policies not applied yet, or applied after the traffic (policy model);
 * - `audit-verdict`: Hubble reported verdict AUDIT, i.e. Cilium's policy-audit mode let
 *   through a connection its policy denies (reported by Hubble).
 */
export type WouldBeDropCause = "not-isolated" | "denied" | "audit-verdict";

/** One observed edge in a would-be drop. */
export interface WouldBeDropEdge {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  /** The identity key at the other end from the subject. */
  readonly peer: string;
  /** Sorted; `audit-verdict` comes from Hubble, the others from the policy model. */
  readonly causes: readonly WouldBeDropCause[];
  /** Passed connections, requests, existing-connection sightings and AUDIT verdicts in the window. */
  readonly connections: number;
  readonly requests: number;
  readonly existing: number;
  readonly audited: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** For `denied`: the deny rules that match, or the policies isolating the subject. */
  readonly deniedBy: readonly string[];
  /** Stored example flows, newest first; empty until attached (see `attachExamples`). */
  readonly examples: readonly FlowExample[];
}

/** Observed connections of one subject and direction that default-deny (or the policies as given) would drop. */
export interface WouldBeDrop {
  /** Identity key of the endpoint whose policy would drop them. */
  readonly subject: string;
  /** Namespace of the subject; "" for reserved identities. */
  readonly namespace: string;
  readonly direction: Direction;
  readonly connections: number;
  readonly requests: number;
  readonly existing: number;
  readonly audited: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Sorted by peer, protocol and port. */
  readonly edges: readonly WouldBeDropEdge[];
}

/** Options of {@link findWouldBeDrops}. */
export interface WouldBeDropOptions {
  /**
   * `report` (default) adds connections Hubble saw with verdict AUDIT; `ignore` judges by
   * the policy model alone, which is what replaying a proposed policy set needs (the AUDIT
   * verdicts were given by the policies in force then, not by the proposal).
   */
  readonly auditVerdicts?: "report" | "ignore";
}

function causesAt(a: EdgeAssessment, direction: Direction): WouldBeDropCause[] {
  const outcome = direction === "egress" ? a.egress : a.ingress;
  const causes: WouldBeDropCause[] = [];
  if (outcome === "not-isolated") causes.push("not-isolated");
  if (outcome === "denied") causes.push("denied");
  return causes;
}

/**
 * The direction an AUDIT verdict belongs to: the side Hubble reported it on; else the side
 * the model rejects; else the destination's ingress, where audit-mode verdicts most often
 * come from.
 */
function auditDirection(a: EdgeAssessment): Direction {
  const sides = a.edge.sides.filter((s) => s.verdict === "AUDIT").map((s) => s.side);
  if (sides.includes("ingress")) return "ingress";
  if (sides.includes("egress")) return "egress";
  if (a.egress !== "allowed" && a.egress !== "not-enforced") return "egress";
  return "ingress";
}

function edgeOf(a: EdgeAssessment, direction: Direction, causes: readonly WouldBeDropCause[]): WouldBeDropEdge {
  const d = direction === "egress" ? a.evaluation.egress : a.evaluation.ingress;
  const deniedBy = causes.includes("denied")
    ? d.rules.length > 0 ? d.rules.map(ruleRefText) : d.isolatedBy.map((p) => `isolated by ${formatPolicyId(p)}`)
    : [];
  const { edge, traffic } = a;
  return {
    source: edge.source, destination: edge.destination, protocol: edge.protocol, port: edge.port,
    peer: direction === "egress" ? edge.destination : edge.source,
    causes: [...causes].sort(), connections: traffic.connections, requests: traffic.requests, existing: traffic.existing,
    audited: traffic.audited, firstSeenMs: edge.firstSeenMs, lastSeenMs: edge.lastSeenMs, deniedBy, examples: [],
  };
}

/**
 * Groups observed connections that got through but would be dropped: per subject and
 * direction, from edge assessments. Edges that carried no passing traffic (only drops)
 * are not would-be drops; they are policy or infrastructure drops.
 */
export function wouldBeDropsOf(assessments: readonly EdgeAssessment[], options: WouldBeDropOptions = {}): readonly WouldBeDrop[] {
  const audits = options.auditVerdicts ?? "report";
  const groups = new Map<string, { subject: EdgeAssessment["source"]; direction: Direction; edges: WouldBeDropEdge[] }>();
  for (const a of assessments) {
    if (!isUsed(a.traffic)) continue;
    const egress = causesAt(a, "egress");
    const ingress = causesAt(a, "ingress");
    if (audits === "report" && a.traffic.audited > 0) (auditDirection(a) === "egress" ? egress : ingress).push("audit-verdict");
    for (const [direction, causes] of [["egress", egress], ["ingress", ingress]] as const) {
      if (causes.length === 0) continue;
      const subject = direction === "egress" ? a.source : a.destination;
      const key = `${subject.key}|${direction}`;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { subject, direction, edges: [] }));
      group.edges.push(edgeOf(a, direction, causes));
    }
  }
  const out: WouldBeDrop[] = [];
  for (const { subject, direction, edges } of groups.values()) {
    edges.sort((x, y) => x.peer.localeCompare(y.peer) || x.protocol.localeCompare(y.protocol) || x.port - y.port);
    const sum = (f: (e: WouldBeDropEdge) => number): number => edges.reduce((n, e) => n + f(e), 0);
    out.push({
      subject: subject.key, namespace: namespaceOf(subject), direction,
      connections: sum((e) => e.connections), requests: sum((e) => e.requests), existing: sum((e) => e.existing),
      audited: sum((e) => e.audited),
      firstSeenMs: edges.reduce((m, e) => Math.min(m, e.firstSeenMs), Infinity),
      lastSeenMs: edges.reduce((m, e) => Math.max(m, e.lastSeenMs), -Infinity),
      edges,
    });
  }
  return out.sort((x, y) => x.namespace.localeCompare(y.namespace) || x.subject.localeCompare(y.subject) || x.direction.localeCompare(y.direction));
}

/**
 * The observed connections of a window that would be dropped under the policies of `view`
 * once default-deny is enforced everywhere policy applies: zero means replaying the window
 * through these policies drops nothing. Pure; the graph and model are not changed.
 */
export function findWouldBeDrops(graph: ObservedGraph, view: PolicyView, options: WouldBeDropOptions = {}): readonly WouldBeDrop[] {
  return wouldBeDropsOf(assessEdges(graph, view), options);
}
