import type { CompiledRule, PolicyModel, PolicySection } from "../compile/model.js";
import { formatRequirement, NAMESPACE_KEY } from "../compile/selector.js";
import type { CompiledSelector } from "../compile/selector.js";
import type { Direction } from "../spec/policy-id.js";
import { formatPolicyId } from "../spec/policy-id.js";
import { ALL, NONE, describePeers, describePorts } from "./describe-piece.js";

/** One line of a target's table: a rule, or a policy that isolates the target without allowing anything. */
export interface ExplainRow {
  readonly direction: Direction;
  readonly action: "allow" | "deny";
  /** `netpol/ns/name`, `cnp/ns/name` or `ccnp/name`. */
  readonly policy: string;
  /** Field path of the rule (`spec.ingress[0]`), or of the policy section for an isolating row (`spec`). */
  readonly path: string;
  /** ORed peer alternatives; `["all"]` or `["none"]` when the rule admits every peer or none. */
  readonly peers: readonly string[];
  /** ORed port alternatives; `["all"]` or `["none"]` likewise. */
  readonly ports: readonly string[];
  /** Constructs of the rule the model does not evaluate, with their paths; empty: none. */
  readonly notModelled: readonly string[];
}

/** The endpoints one selector picks, and what every policy selecting them says. */
export interface ExplainTarget {
  /** The namespace the selector applies in; `undefined` for cluster-wide policies. */
  readonly namespace: string | undefined;
  /** The subject selector without the namespace requirement; "all" when it selects every endpoint there. */
  readonly selector: string;
  /** Policies that put the target in default deny, per direction; empty: not isolated in that direction. */
  readonly isolatedBy: { readonly ingress: readonly string[]; readonly egress: readonly string[] };
  /** Policies whose rules for the target leave default deny off (Cilium `enableDefaultDeny: false`). */
  readonly withoutDefaultDeny: { readonly ingress: readonly string[]; readonly egress: readonly string[] };
  readonly rows: readonly ExplainRow[];
}

/** What a set of policies says, one block per target. */
export interface ExplainTable {
  readonly targets: readonly ExplainTarget[];
  /** Host policies (nodeSelector), which the model does not evaluate, so not explained. */
  readonly hostPolicies: readonly string[];
}

const DIRECTIONS: readonly Direction[] = ["ingress", "egress"];

/**
 * Explains a compiled model as tables: sections are grouped by target (namespace plus
 * subject selector, so several policies selecting the same endpoints share one block).
 * Within a block, ingress comes before egress and deny before allow (Cilium: deny takes
 * precedence over allow). A section that enables default deny with no allow rule is shown
 * as an allow row with peer and port `none`: Kubernetes isolates a pod selected by a policy
 * of that direction (an empty or missing rule list allows nothing), and Cilium does the
 * same for a rule with entries of that direction (deny entries too).
 */
export function explainModel(model: PolicyModel): ExplainTable {
  const targets = new Map<string, { namespace: string | undefined; selector: string; sections: PolicySection[] }>();
  for (const section of model.sections) {
    if (section.subject === undefined) continue;
    const selector = targetSelectorText(section.subject, section.namespace);
    const key = `${section.namespace ?? ""}\u0000${selector}`;
    const found = targets.get(key);
    if (found === undefined) targets.set(key, { namespace: section.namespace, selector, sections: [section] });
    else found.sections.push(section);
  }
  const out = [...targets.values()].map(({ namespace, selector, sections }): ExplainTarget => {
    const policiesWhere = (direction: Direction, test: (s: PolicySection) => boolean): string[] =>
      unique(sections.filter((s) => s.direction === direction && test(s)).map((s) => formatPolicyId(s.policy)));
    return {
      namespace,
      selector,
      isolatedBy: { ingress: policiesWhere("ingress", (s) => s.defaultDeny), egress: policiesWhere("egress", (s) => s.defaultDeny) },
      withoutDefaultDeny: { ingress: policiesWhere("ingress", (s) => !s.defaultDeny), egress: policiesWhere("egress", (s) => !s.defaultDeny) },
      rows: DIRECTIONS.flatMap((d) => rowsOf(sections.filter((s) => s.direction === d))),
    };
  });
  out.sort((a, b) => compareText(a.namespace ?? "", b.namespace ?? "") || compareText(a.selector, b.selector));
  const hostPolicies = unique(model.hostPolicies.map((s) => formatPolicyId(s.policy)));
  return { targets: out, hostPolicies };
}

function rowsOf(sections: readonly PolicySection[]): ExplainRow[] {
  const deny = sections.flatMap((s) => s.deny.map((r) => ruleRow(s, r)));
  const allow = sections.flatMap((s) =>
    s.allow.length === 0 && s.defaultDeny ? [isolatingRow(s)] : s.allow.map((r) => ruleRow(s, r)),
  );
  return [...deny, ...allow];
}

function ruleRow(section: PolicySection, rule: CompiledRule): ExplainRow {
  return {
    direction: section.direction,
    action: rule.ref.action,
    policy: formatPolicyId(rule.ref.policy),
    path: rule.ref.path,
    peers: describePeers(rule),
    ports: describePorts(rule),
    notModelled: rule.unsupported.map((u) => `${u.construct} at ${u.path}`),
  };
}

function isolatingRow(section: PolicySection): ExplainRow {
  return {
    direction: section.direction,
    action: "allow",
    policy: formatPolicyId(section.policy),
    path: section.path,
    peers: [NONE],
    ports: [NONE],
    notModelled: [],
  };
}

/**
 * The subject selector as written: a namespaced policy's selector always carries the
 * requirement `k8s:io.kubernetes.pod.namespace=<ns>`, which the target's namespace already says.
 */
function targetSelectorText(subject: CompiledSelector, namespace: string | undefined): string {
  const own = subject.requirements.filter(
    (r) => !(namespace !== undefined && r.source === "k8s" && r.key === NAMESPACE_KEY && r.operator === "In" && r.values.size === 1 && r.values.has(namespace)),
  );
  return own.length === 0 ? ALL : own.map(formatRequirement).join(", ");
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
