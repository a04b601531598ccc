import type { RuleRef } from "../compile/model.js";
import type { DirectionEvaluation, Evaluation } from "../evaluate/evaluation.js";
import { formatPolicyId } from "../spec/policy-id.js";
import { describeIcmpMatch } from "./describe-icmp.js";

/** Names for the two ends, used in sentences (e.g. `default/web` and `10.0.0.1`). */
export interface ExplainSubjects {
  readonly source: string;
  readonly destination: string;
  /** e.g. `80/TCP`. */
  readonly port: string;
}

/**
 * One rule reference in words: `cnp/default/deny-rule spec.ingressDeny[0].fromEndpoints[0]`.
 * When an ICMP alternative decided, its path (unless it is the reference's path) and the
 * ICMP type follow: `cnp/default/ping spec.egress[0].icmps[0].fields[0]: ICMPv4 type 8 (EchoRequest)`.
 */
export function describeRule(ref: RuleRef): string {
  const head = `${formatPolicyId(ref.policy)} ${ref.path}`;
  if (ref.icmp === undefined) return head;
  const where = ref.icmp.path === ref.path ? "" : ` and ${ref.icmp.path}`;
  return `${head}${where}: ${describeIcmpMatch(ref.icmp)}`;
}

function describeDirection(d: DirectionEvaluation, direction: "egress" | "ingress", who: ExplainSubjects): string[] {
  const subject = direction === "egress" ? who.source : who.destination;
  const label = direction === "egress" ? `Egress of ${subject}` : `Ingress of ${subject}`;
  if (d.notEnforced === "not-a-cilium-endpoint") return [`${label}: not enforced (${subject} is not a Cilium endpoint).`];
  if (d.notEnforced === "host-endpoint") return [`${label}: not evaluated (host endpoint; host policies are not modelled).`];
  const lines: string[] = [];
  switch (d.verdict) {
    case "not-isolated":
      lines.push(`${label}: not isolated (no policy enables default deny here), so traffic is allowed.`);
      break;
    case "allowed":
      if (d.implicit === "local-host") lines.push(`${label}: allowed, traffic with the local node is always allowed.`);
      else if (d.implicit === "self") lines.push(`${label}: allowed, a pod cannot block traffic to itself.`);
      else lines.push(`${label}: allowed by ${d.rules.length === 1 ? "rule" : "rules"}:`);
      break;
    case "denied":
      if (d.rules.length > 0) lines.push(`${label}: denied by ${d.rules.length === 1 ? "deny rule" : "deny rules"} (deny takes precedence):`);
      else {
        const by = d.isolatedBy.map(formatPolicyId).join(", ");
        lines.push(`${label}: denied by default; isolated by ${by} and no rule allows ${who.port} from ${direction === "egress" ? "it" : who.source}.`);
      }
      break;
    default: {
      const never: never = d.verdict;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
  if (d.verdict === "not-isolated" && d.rules.length > 0) lines.push("  Matching allow rules (no effect while not isolated):");
  for (const r of d.rules) lines.push(`  - ${describeRule(r)}`);
  if (d.l7Restricted === true) lines.push("  L7 rules apply on this port: requests not matching them are rejected.");
  return lines;
}

/** Renders an evaluation as plain sentences, one per line. Pure: same input, same text. */
export function explainEvaluation(e: Evaluation, who: ExplainSubjects): string {
  const lines = [
    `${who.source} -> ${who.destination} on ${who.port}: ${e.verdict.toUpperCase()} (semantics: ${e.semantics})`,
    ...describeDirection(e.egress, "egress", who),
    ...describeDirection(e.ingress, "ingress", who),
  ];
  if (e.unsupported.length > 0) {
    lines.push("Not modelled, the verdict may differ:");
    for (const u of e.unsupported) lines.push(`  - ${u.construct} in ${formatPolicyId(u.policy)} ${u.path} (${u.detail})`);
  }
  return `${lines.join("\n")}\n`;
}
