/** The four Kubernetes label selector operators. */
export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

/** One `matchExpressions` entry. */
export interface SelectorRequirementSpec {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Empty for Exists / DoesNotExist. */
  readonly values: readonly string[];
}

/**
 * A Kubernetes `LabelSelector` (metav1). Both parts are ANDed; an empty selector
 * (no labels, no expressions) selects everything in its scope.
 */
export interface LabelSelectorSpec {
  /** `matchLabels` as [key, value] pairs. */
  readonly matchLabels: readonly (readonly [string, string])[];
  readonly matchExpressions: readonly SelectorRequirementSpec[];
}

/** The selector that selects everything. */
export const EMPTY_SELECTOR: LabelSelectorSpec = { matchLabels: [], matchExpressions: [] };

/** Whether the selector has no requirement at all. */
export function isEmptySelector(selector: LabelSelectorSpec): boolean {
  return selector.matchLabels.length === 0 && selector.matchExpressions.length === 0;
}
