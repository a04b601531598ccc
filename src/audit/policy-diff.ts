import type { EffectiveWindow, ObservedGraph } from "../graph/index.js";
import type { DirectionEvaluation, Evaluation } from "../policy/index.js";
import { describeRule, formatPolicyId } from "../policy/index.js";
import { assessEdges } from "./assess.js";
import type { PolicyView } from "./policy-view.js";

/** Why one direction of a connection gets its verdict under one policy set. */
export interface DirectionReason {
  readonly direction: "egress" | "ingress";
  /** `not-enforced`: endpoint policy does not apply to this side (world, nodes, unmanaged peers). */
  readonly verdict: "allowed" | "denied" | "not-isolated" | "not-enforced";
  /** The deciding rules: deny rules when denied by one, else the allow rules that matched. */
  readonly rules: readonly string[];
  /** Policies isolating the subject in this direction. */
  readonly isolatedBy: readonly string[];
  /** The reason in words: `allowed by netpol/shop/db spec.ingress[0].ports[0]`. */
  readonly text: string;
}

/** The verdict of a connection under one policy set, with its reasons per direction. */
export interface SideVerdict {
  readonly verdict: "allowed" | "denied";
  readonly egress: DirectionReason;
  readonly ingress: DirectionReason;
  /** Constructs the model does not evaluate that touched this verdict (it may differ); empty: none. */
  readonly notModelled: readonly string[];
}

/** One observed (source identity, destination identity, port/protocol) whose verdict changes. */
export interface ConnectivityChange {
  /** Identity keys: `shop/Deployment/web`, `world:203.0.113.5`. */
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  /** The port; for ICMP the ICMP type. */
  readonly port: number;
  readonly change: "allowed-to-denied" | "denied-to-allowed";
  readonly old: SideVerdict;
  readonly new: SideVerdict;
}

/** What changes between two policy sets over the connections of a graph, or the probes of a matrix. */
export interface PolicyDiff {
  /** What was compared: the observed connections of a window, or a test matrix's probes. */
  readonly over: "observed" | "matrix";
  /** The window of the observed connections; undefined over a matrix. */
  readonly window?: EffectiveWindow;
  /** (source, destination, port/protocol) triples compared. */
  readonly compared: number;
  /** Ordered by from, to, protocol, port. */
  readonly changes: readonly ConnectivityChange[];
}

/**
 * The connectivity that changes from `old` to `new` over the observed connections of
 * `graph`: each (source identity, destination identity, protocol, port) is evaluated under
 * both sets, at L3/L4 (a port with L7 rules counts as allowed: requests are not compared),
 * and listed when its verdict differs. A connection is allowed when the source's egress and
 * the destination's ingress both allow it (Kubernetes and Cilium alike), so a change in
 * either direction shows up, with the rules responsible on each side.
 */
export function diffPolicies(graph: ObservedGraph, old: PolicyView, next: PolicyView): PolicyDiff {
  const before = assessEdges(graph, old);
  const after = assessEdges(graph, next);
  const changes: ConnectivityChange[] = [];
  before.forEach((a, i) => {
    const b = after[i];
    if (b === undefined) throw new Error("both assessments cover the same edges");
    if (a.evaluation.verdict === b.evaluation.verdict) return;
    changes.push({
      from: a.edge.source,
      to: a.edge.destination,
      protocol: a.edge.protocol,
      port: a.edge.port,
      change: a.evaluation.verdict === "allowed" ? "allowed-to-denied" : "denied-to-allowed",
      old: sideVerdict(a.evaluation),
      new: sideVerdict(b.evaluation),
    });
  });
  changes.sort((x, y) => compare(x.from, y.from) || compare(x.to, y.to) || compare(x.protocol, y.protocol) || x.port - y.port);
  return { over: "observed", window: graph.window, compared: graph.edges.length, changes };
}

/** One evaluation as a side of a diff: its verdict and the reasons of each direction. */
export function sideVerdict(e: Evaluation): SideVerdict {
  return {
    verdict: e.verdict,
    egress: directionReason(e.egress, "egress"),
    ingress: directionReason(e.ingress, "ingress"),
    notModelled: e.unsupported.map((u) => `${u.construct} in ${formatPolicyId(u.policy)} ${u.path} (${u.detail})`),
  };
}

function directionReason(d: DirectionEvaluation, direction: "egress" | "ingress"): DirectionReason {
  const rules = d.rules.map(describeRule);
  const isolatedBy = d.isolatedBy.map(formatPolicyId);
  const base = { direction, rules, isolatedBy };
  if (d.notEnforced !== undefined) return { ...base, verdict: "not-enforced", text: `${direction} not enforced (${d.notEnforced})` };
  switch (d.verdict) {
    case "allowed":
      if (d.implicit === "local-host") return { ...base, verdict: "allowed", text: `${direction} allowed: traffic with the local node always is` };
      if (d.implicit === "self") return { ...base, verdict: "allowed", text: `${direction} allowed: a pod cannot block traffic to itself` };
      return { ...base, verdict: "allowed", text: `${direction} allowed by ${rules.join(", ")}` };
    case "not-isolated":
      return { ...base, verdict: "not-isolated", text: `${direction} not isolated` };
    case "denied":
      // Cilium: a matching deny rule wins over any allow; otherwise the subject is isolated
      // (default deny) and no allow rule matches.
      return rules.length > 0
        ? { ...base, verdict: "denied", text: `${direction} denied by ${rules.join(", ")}` }
        : { ...base, verdict: "denied", text: `${direction} denied by default: isolated by ${isolatedBy.join(", ")}, no rule allows it` };
    default: {
      const never: never = d.verdict;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
}

/**
 * The reasons that decide a side, in words: for a denied connection the denying directions,
 * for an allowed one both directions.
 */
export function sideText(side: SideVerdict): readonly string[] {
  const directions = [side.egress, side.ingress];
  const deciding = side.verdict === "denied" ? directions.filter((d) => d.verdict === "denied") : directions;
  return deciding.map((d) => d.text);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
