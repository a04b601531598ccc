import type { LabelSelectorSpec, SelectorOperator } from "../spec/label-selector.js";

/** Labels of one endpoint, by key: each entry carries the label source and value. */
export type LabelIndex = ReadonlyMap<string, readonly { readonly source: string; readonly value: string }[]>;

/** One requirement on a Cilium label: `source` undefined means any source (`any:`). */
export interface CompiledRequirement {
  readonly source: string | undefined;
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: ReadonlySet<string>;
}

/** A selector ready to match label sets; `id` indexes per-label-set match caches. */
export interface CompiledSelector {
  readonly id: number;
  readonly requirements: readonly CompiledRequirement[];
  /** Human-readable form for explanations, e.g. `k8s:app=web, k8s:io.kubernetes.pod.namespace=prod`. */
  readonly text: string;
}

/** Cilium label key of the pod namespace. */
export const NAMESPACE_KEY = "io.kubernetes.pod.namespace";
/** Prefix of the labels Cilium copies from the pod's Namespace object. */
export const NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";

/**
 * Splits a selector key into source and key, as Cilium's ParseSelectLabel does:
 * `k8s:app` → (k8s, app), `reserved:host` → (reserved, host), `app` → (any, app).
 */
export function splitSelectorKey(key: string): { source: string | undefined; key: string } {
  const colon = key.indexOf(":");
  if (colon <= 0) return { source: undefined, key };
  const source = key.slice(0, colon);
  return { source: source === "any" ? undefined : source, key: key.slice(colon + 1) };
}

/** Allocates selector ids; one per compiled model. */
export class SelectorFactory {
  private next = 0;

  /** Number of selectors made so far. */
  get count(): number {
    return this.next;
  }

  /**
   * Compiles a label selector. `keyPrefix` is prepended to every key (e.g. `k8s:` for a
   * NetworkPolicy podSelector, `k8s:io.cilium.k8s.namespace.labels.` for a
   * namespaceSelector); `extra` requirements are ANDed (e.g. the namespace).
   */
  make(spec: LabelSelectorSpec, keyPrefix: string, extra: readonly CompiledRequirement[] = []): CompiledSelector {
    return this.fromRequirements([...requirementsOf(spec, keyPrefix), ...extra]);
  }

  /** A selector from explicit requirements. */
  fromRequirements(requirements: readonly CompiledRequirement[]): CompiledSelector {
    return { id: this.next++, requirements, text: requirements.map(formatRequirement).join(", ") || "(all)" };
  }
}

/** The requirements of a label selector, each key prefixed with `keyPrefix`. */
export function requirementsOf(spec: LabelSelectorSpec, keyPrefix: string): CompiledRequirement[] {
  const reqs: CompiledRequirement[] = [];
  for (const [k, v] of spec.matchLabels) reqs.push({ ...splitSelectorKey(keyPrefix + k), operator: "In", values: new Set([v]) });
  for (const e of spec.matchExpressions) {
    reqs.push({ ...splitSelectorKey(keyPrefix + e.key), operator: e.operator, values: new Set(e.values) });
  }
  return reqs;
}

/** One requirement as explanations show it: `k8s:app=web`, `any:tier in (a, b)`, `!k8s:debug`. */
export function formatRequirement(r: CompiledRequirement): string {
  const key = `${r.source ?? "any"}:${r.key}`;
  const values = [...r.values];
  switch (r.operator) {
    case "In":
      return values.length === 1 ? `${key}=${values[0] ?? ""}` : `${key} in (${values.join(", ")})`;
    case "NotIn":
      return `${key} notin (${values.join(", ")})`;
    case "Exists":
      return key;
    case "DoesNotExist":
      return `!${key}`;
    default: {
      const never: never = r.operator;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}

/** Requirement `source:key` equals `value`. */
export function equals(source: string | undefined, key: string, value: string): CompiledRequirement {
  return { source, key, operator: "In", values: new Set([value]) };
}

/** Requirement `source:key` exists. */
export function exists(source: string | undefined, key: string): CompiledRequirement {
  return { source, key, operator: "Exists", values: new Set() };
}

/**
 * Whether a label set satisfies a selector. Kubernetes semantics per requirement:
 * In needs the label with one of the values; NotIn holds when the label is absent or
 * has another value; Exists / DoesNotExist test presence. A source-less requirement
 * looks at labels of every source (Cilium's `any:`).
 */
export function selectorMatches(selector: CompiledSelector, labels: LabelIndex): boolean {
  for (const r of selector.requirements) {
    const entries = labels.get(r.key);
    let present = false;
    let valueHit = false;
    if (entries !== undefined) {
      for (const e of entries) {
        if (r.source !== undefined && e.source !== r.source) continue;
        present = true;
        if (r.values.has(e.value)) valueHit = true;
      }
    }
    switch (r.operator) {
      case "In":
        if (!valueHit) return false;
        break;
      case "NotIn":
        if (valueHit) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
      default: {
        const never: never = r.operator;
        throw new Error(`unknown operator ${String(never)}`);
      }
    }
  }
  return true;
}

/** Builds a label index from Cilium-style `source:key=value` strings (no source → `unspec`). */
export function indexLabels(labels: Iterable<string>): Map<string, { source: string; value: string }[]> {
  const index = new Map<string, { source: string; value: string }[]>();
  for (const label of labels) {
    const colon = label.indexOf(":");
    const eq = label.indexOf("=", colon + 1);
    const source = colon < 0 ? "unspec" : label.slice(0, colon);
    const key = label.slice(colon + 1, eq < 0 ? undefined : eq);
    const value = eq < 0 ? "" : label.slice(eq + 1);
    const list = index.get(key);
    if (list === undefined) index.set(key, [{ source, value }]);
    else list.push({ source, value });
  }
  return index;
}
