import { isPolicyDrop } from "../flows/index.js";
import type { EdgeAssessment } from "./assess.js";
import { namespaceOf } from "./endpoints.js";
import { ruleRefText } from "./rule-text.js";
import { formatPolicyId } from "../policy/index.js";

/** Which way a drop was caused: by policy enforcement, or by the datapath and infrastructure. */
export type DropClass = "policy" | "infrastructure";

/** Connections Hubble reported DROPPED on one edge, for one class of drop reasons. */
export interface EdgeDrops {
  readonly class: DropClass;
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
  /** Namespace of the end whose policy dropped it (the destination for ingress), else of either end. */
  readonly namespace: string;
  /** Dropped connections and requests of this class. */
  readonly count: number;
  /** Counts by drop reason (POLICY_DENIED, CT_MAP_INSERTION_FAILED, ...), keys sorted. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Sides Hubble reported the drop on; empty when it did not say. */
  readonly sides: readonly ("egress" | "ingress")[];
  /** Connections on the same edge that got through (a partially dropped edge). */
  readonly passed: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** For policy drops: what the model says about the edge (deny rules, isolating policies). */
  readonly explanation: readonly string[];
}

/**
 * Drops by edge, split into policy drops (reasons Cilium's policy engine produces:
 * POLICY_DENIED, POLICY_DENY, AUTH_REQUIRED, ...) and infrastructure drops (everything
 * else, e.g. conntrack or routing failures), which no policy change fixes.
 */
export function dropsOf(assessments: readonly EdgeAssessment[]): readonly EdgeDrops[] {
  const out: EdgeDrops[] = [];
  for (const a of assessments) {
    const { edge } = a;
    if (a.traffic.dropped === 0) continue;
    const policy: Record<string, number> = {};
    const infra: Record<string, number> = {};
    for (const reason of Object.keys(edge.dropReasons).sort()) {
      const count = edge.dropReasons[reason] ?? 0;
      if (isPolicyDrop(reason)) policy[reason] = count;
      else infra[reason] = count;
    }
    const accounted = Object.values(edge.dropReasons).reduce((n, c) => n + c, 0);
    if (accounted < a.traffic.dropped) infra.UNKNOWN = (infra.UNKNOWN ?? 0) + a.traffic.dropped - accounted;
    const sides = [...new Set(edge.sides.filter((s) => s.verdict === "DROPPED").map((s) => s.side))].sort();
    const namespace = sides.length === 1 && sides[0] === "egress" ? namespaceOf(a.source) : namespaceOf(a.destination) || namespaceOf(a.source);
    const base = {
      source: edge.source, destination: edge.destination, protocol: edge.protocol, port: edge.port, namespace, sides,
      passed: a.traffic.connections + a.traffic.requests, firstSeenMs: edge.firstSeenMs, lastSeenMs: edge.lastSeenMs,
    };
    const total = (r: Record<string, number>): number => Object.values(r).reduce((n, c) => n + c, 0);
    if (total(policy) > 0) out.push({ ...base, class: "policy", count: total(policy), reasons: policy, explanation: explain(a) });
    if (total(infra) > 0) out.push({ ...base, class: "infrastructure", count: total(infra), reasons: sortKeys(infra), explanation: [] });
  }
  return out;
}

function sortKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
}

function explain(a: EdgeAssessment): string[] {
  const lines: string[] = [];
  for (const [direction, d] of [["egress", a.evaluation.egress], ["ingress", a.evaluation.ingress]] as const) {
    if (d.verdict !== "denied") continue;
    if (d.rules.length > 0) lines.push(...d.rules.map((r) => `${direction} denied by ${ruleRefText(r)}`));
    else lines.push(`${direction} isolated by ${d.isolatedBy.map(formatPolicyId).join(", ")} with no matching allow rule`);
  }
  if (lines.length === 0) lines.push("the policies given allow this connection: the drop came from policies not in the model, or it was allowed later");
  return lines;
}
