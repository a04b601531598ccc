import type { LabelSelectorSpec, SelectorOperator, SelectorRequirementSpec } from "../spec/label-selector.js";
import { isObject, join, type Reader } from "./reader.js";

const OPERATORS: readonly SelectorOperator[] = ["In", "NotIn", "Exists", "DoesNotExist"];

function isOperator(value: string): value is SelectorOperator {
  return (OPERATORS as readonly string[]).includes(value);
}

/**
 * Parses a metav1.LabelSelector. Validation follows the Kubernetes API: In/NotIn need at
 * least one value, Exists/DoesNotExist take none; unknown operators are rejected.
 * Returns `undefined` (after reporting) when the selector is unusable: a selector that
 * silently dropped a bad requirement would select more than its author meant.
 */
export function parseLabelSelector(reader: Reader, value: unknown, path: string): LabelSelectorSpec | undefined {
  if (value === null) return { matchLabels: [], matchExpressions: [] };
  if (!isObject(value)) {
    reader.report(path, "must be a label selector object");
    return undefined;
  }
  const before = reader.problems.length;
  const matchLabels = reader.stringMap(value, "matchLabels", path) ?? [];
  for (const [k] of matchLabels) if (k === "") reader.report(join(path, "matchLabels"), "label key must not be empty");
  const matchExpressions: SelectorRequirementSpec[] = [];
  const list = reader.list(value, "matchExpressions", path) ?? [];
  list.forEach((item, i) => {
    const p = join(join(path, "matchExpressions"), i);
    if (!isObject(item)) {
      reader.report(p, "must be an object");
      return;
    }
    const key = reader.string(item, "key", p);
    const operator = reader.string(item, "operator", p);
    const values = reader.list(item, "values", p) ?? [];
    if (key === undefined || key === "") reader.report(join(p, "key"), "key is required");
    if (operator === undefined) {
      reader.report(join(p, "operator"), "operator is required");
      return;
    }
    if (!isOperator(operator)) {
      reader.report(join(p, "operator"), `unknown operator "${operator}" (want In, NotIn, Exists or DoesNotExist)`);
      return;
    }
    const strings: string[] = [];
    values.forEach((v, j) => {
      if (typeof v === "string") strings.push(v);
      else reader.report(join(join(p, "values"), j), "must be a string");
    });
    if ((operator === "In" || operator === "NotIn") && strings.length === 0) {
      reader.report(join(p, "values"), `operator ${operator} needs at least one value`);
    }
    if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
      reader.report(join(p, "values"), `operator ${operator} takes no values`);
    }
    if (key !== undefined && key !== "") matchExpressions.push({ key, operator, values: strings });
  });
  if (reader.problems.length > before) return undefined;
  return { matchLabels, matchExpressions };
}
