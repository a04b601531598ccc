import type { CompiledRule, PolicyModel, PolicySection, RuleRef } from "../policy/index.js";
import { formatPolicyId } from "../policy/index.js";
import { locationOf } from "./rule-text.js";
import type { RuleLocation } from "./rule-text.js";

/** One allow rule of the model with where it lives. */
export interface CatalogRule {
  /** Stable key: `cnp/shop/api|ingress|spec.ingress[0]`. */
  readonly key: string;
  readonly section: PolicySection;
  readonly rule: CompiledRule;
  readonly location: RuleLocation;
  /** The policy's namespace; "" for cluster-wide policies. */
  readonly namespace: string;
}

/** Every allow rule of the model, in model order. Host policies are not evaluated, so not listed. */
export function catalogRules(model: PolicyModel): readonly CatalogRule[] {
  const out: CatalogRule[] = [];
  for (const section of model.sections) {
    if (section.subject === undefined) continue;
    for (const rule of section.allow) {
      out.push({
        key: `${formatPolicyId(section.policy)}|${section.direction}|${rule.ref.path}`,
        section, rule, location: locationOf(section.policy, section.direction, rule.ref.path),
        namespace: section.policy.namespace ?? "",
      });
    }
  }
  return out;
}

function groupKey(ref: Pick<RuleRef, "policy" | "direction" | "ruleIndex">): string {
  return `${formatPolicyId(ref.policy)}|${ref.direction}|${ref.ruleIndex}`;
}

/**
 * Finds the catalog rule a matched reference points at. References carry the rule index
 * within its section and the path of the deciding piece; a CiliumNetworkPolicy with
 * `specs` has one section per spec, so the rule whose path prefixes the reference path wins.
 */
export function ruleFinder(catalog: readonly CatalogRule[]): (ref: RuleRef) => CatalogRule | undefined {
  const groups = new Map<string, CatalogRule[]>();
  for (const c of catalog) {
    const key = groupKey(c.rule.ref);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [c]);
    else list.push(c);
  }
  return (ref) => {
    if (ref.action !== "allow") return undefined;
    const list = groups.get(groupKey(ref));
    if (list === undefined || list.length === 1) return list?.[0];
    return list.find((c) => ref.path === c.rule.ref.path || ref.path.startsWith(`${c.rule.ref.path}.`) || ref.path.startsWith(`${c.rule.ref.path}[`));
  };
}
