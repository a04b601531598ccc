import { describeRule, formatPolicyId, type DirectionEvaluation, type Evaluation } from "../policy/index.js";

function directionText(d: DirectionEvaluation, direction: "egress" | "ingress"): string {
  if (d.notEnforced !== undefined) return `${direction}: not enforced (${d.notEnforced})`;
  switch (d.verdict) {
    case "not-isolated":
      return `${direction}: not isolated`;
    case "allowed":
      if (d.implicit === "local-host") return `${direction}: allowed (traffic with the local node)`;
      if (d.implicit === "self") return `${direction}: allowed (a pod cannot block itself)`;
      return `${direction}: allowed by ${d.rules.map(describeRule).join(", ")}`;
    case "denied":
      if (d.rules.length > 0) return `${direction}: denied by ${d.rules.map(describeRule).join(", ")}`;
      return `${direction}: default deny (isolated by ${d.isolatedBy.map(formatPolicyId).join(", ")})`;
    default: {
      const never: never = d.verdict;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
}

/**
 * The rule that decided an evaluation, in one line: for a denied connection the direction(s)
 * that denied it (a deny rule, or default deny with the isolating policies); for an allowed
 * one both directions, each with the allow rule or why nothing restricts it.
 */
export function decidingRule(e: Evaluation): string {
  const directions = [["egress", e.egress], ["ingress", e.ingress]] as const;
  const shown = e.verdict === "denied" ? directions.filter(([, d]) => d.verdict === "denied" && d.notEnforced === undefined) : directions;
  const text = shown.map(([name, d]) => directionText(d, name)).join("; ");
  return e.unsupported.length === 0 ? text : `${text} (not modelled, may differ: ${e.unsupported.map((u) => `${u.construct} in ${formatPolicyId(u.policy)} ${u.path}`).join(", ")})`;
}
