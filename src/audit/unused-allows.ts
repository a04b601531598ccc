import type { Finding, UnselectedPolicy, UnusedAllow } from "./finding.js";
import { compiledPortText, peerText } from "./pieces.js";
import type { CatalogRule } from "./rule-catalog.js";
import type { PieceUse, RuleUse } from "./rule-usage.js";
import { locationOf } from "./rule-text.js";
import { formatPolicyId } from "../policy/index.js";

type UnusedFinding = Extract<Finding, { kind: "unused-allow" | "unselected-policy" }>;

function lastSeen(ms: number | undefined): string {
  return ms === undefined ? "never matched in the retained history" : `last matched ${new Date(ms).toISOString()}`;
}

function unusedRule(rule: CatalogRule, use: PieceUse | undefined, scope: UnusedAllow["scope"], piece: { path: string; text: string }, ruleConnections: number): UnusedFinding {
  const location = locationOf(rule.section.policy, rule.section.direction, piece.path);
  const evidence: UnusedAllow = {
    scope, location, rule: rule.rule.ref.path, piece: piece.text, lastMatchedMs: use?.lastMatchedMs, ruleConnections,
  };
  const what = scope === "rule" ? "allow rule" : `${scope} ${piece.text} of allow rule`;
  return {
    kind: "unused-allow", id: `unused-allow:${location.policy}:${piece.path}`, severity: scope === "rule" ? "medium" : "low",
    namespace: rule.namespace,
    summary: `${what} ${location.policy} ${piece.path} matched no observed connection (${lastSeen(use?.lastMatchedMs)})`,
    evidence,
  };
}

/**
 * Unused-allow findings: whole rules no used connection matched in the window, and, in
 * rules that were used, each peer and port alternative that was not. Rules of a policy
 * that isolates no existing endpoint are reported once per policy and direction as an
 * unselected policy instead (`isolating` holds the policies that do select something).
 */
export function unusedAllowsOf(usage: ReadonlyMap<string, RuleUse>, isolating: ReadonlySet<string>): readonly UnusedFinding[] {
  const out: UnusedFinding[] = [];
  const unselected = new Map<string, { rule: CatalogRule; rules: number }>();
  const selected = new Set<string>();
  for (const use of usage.values()) if (use.whole.edges > 0) selected.add(sectionKey(use.rule));
  for (const { rule, whole, peers, ports } of usage.values()) {
    const section = sectionKey(rule);
    if (rule.section.defaultDeny && !isolating.has(section) && !selected.has(section)) {
      const entry = unselected.get(section);
      if (entry === undefined) unselected.set(section, { rule, rules: 1 });
      else entry.rules++;
      continue;
    }
    if (whole.edges === 0) {
      out.push(unusedRule(rule, whole, "rule", { path: rule.rule.ref.path, text: "" }, 0));
      continue;
    }
    for (const p of rule.rule.peers ?? []) {
      const use = peers.get(p.index);
      if (use === undefined || use.edges === 0) out.push(unusedRule(rule, use, "peer", { path: p.path, text: peerText(p) }, whole.connections));
    }
    for (const p of rule.rule.ports ?? []) {
      const use = ports.get(p.index);
      if (use === undefined || use.edges === 0) out.push(unusedRule(rule, use, "port", { path: p.path, text: compiledPortText(p) }, whole.connections));
    }
  }
  for (const [key, { rule, rules }] of unselected) {
    const evidence: UnselectedPolicy = {
      policy: formatPolicyId(rule.section.policy), direction: rule.section.direction, selector: rule.section.subject?.text ?? "", rules,
    };
    out.push({
      kind: "unselected-policy", id: `unselected-policy:${key.replace("|", ":")}`, severity: "low", namespace: rule.namespace,
      summary: `${evidence.policy} (${evidence.direction}) selects no observed workload or known pod; its ${rules} allow rule(s) cannot match`,
      evidence,
    });
  }
  return out;
}

function sectionKey(rule: CatalogRule): string {
  return `${formatPolicyId(rule.section.policy)}|${rule.section.direction}`;
}
