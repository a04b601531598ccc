/**
 * A small reader of the PromQL that dashboards and rules contain: which metric names an
 * expression selects, and which label names it uses. Enough for our own expressions (no
 * full grammar): strings, label matchers, ranges and grouping clauses are recognised.
 */

/** A metric selected by an expression, with the label names its matchers use. */
export interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}

/** What an expression uses. */
export interface PromqlUse {
  readonly selectors: readonly Selector[];
  /** Label names in by/without/on/ignoring/group_left/group_right clauses. */
  readonly groupingLabels: readonly string[];
}

const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2"]);

/** Reads an expression; Grafana variables (`$x`, `${x}`, `[$__rate_interval]`) are allowed. */
export function readPromql(expr: string): PromqlUse {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const groupingLabels: string[] = [];
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, list: string) => {
    groupingLabels.push(...list.split(",").map((l) => l.trim()).filter((l) => l !== ""));
    return " ";
  });
  s = s.replace(/\[[^\]]*\]/g, " ").replace(/\$\{?\w+\}?/g, " ");
  const selectors: Selector[] = [];
  const token = /(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\}|\()?/g;
  for (const m of s.matchAll(token)) {
    const name = m[1] ?? "";
    const after = m[2];
    if (after === "(" || KEYWORDS.has(name)) continue;
    const labels = after ? [...after.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] ?? "") : [];
    selectors.push({ metric: name, labels });
  }
  return { selectors, groupingLabels };
}

/** The expression inside a Grafana `label_values(expr, label)` query, and the label. */
export function readLabelValuesQuery(query: string): { expr: string; label: string } | undefined {
  const m = /^\s*label_values\((.*),\s*([a-zA-Z_]\w*)\s*\)\s*$/s.exec(query);
  return m?.[1] !== undefined && m[2] !== undefined ? { expr: m[1], label: m[2] } : undefined;
}
