/** Limits applied to every document before it is parsed. */
export interface DocumentBounds {
  /** Deepest nesting of objects/lists. */
  readonly maxDepth: number;
  /** Most values (objects, lists, scalars) in one document. */
  readonly maxNodes: number;
  /** Longest string. */
  readonly maxStringLength: number;
}

/** Defaults: far above any real policy, low enough to keep one document cheap. */
export const DEFAULT_BOUNDS: DocumentBounds = { maxDepth: 64, maxNodes: 200_000, maxStringLength: 65_536 };

/**
 * Checks a decoded document against the bounds without recursion (so a hostile depth
 * cannot overflow the stack). Returns a message, or `undefined` when within bounds.
 */
export function checkBounds(value: unknown, bounds: DocumentBounds): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    nodes++;
    if (nodes > bounds.maxNodes) return `document has more than ${bounds.maxNodes} values`;
    if (top.depth > bounds.maxDepth) return `document is nested deeper than ${bounds.maxDepth} levels`;
    const v = top.value;
    if (typeof v === "string" && v.length > bounds.maxStringLength) {
      return `document has a string longer than ${bounds.maxStringLength} characters`;
    }
    if (Array.isArray(v)) for (const item of v as readonly unknown[]) stack.push({ value: item, depth: top.depth + 1 });
    else if (typeof v === "object" && v !== null) {
      for (const item of Object.values(v)) stack.push({ value: item, depth: top.depth + 1 });
    }
  }
  return undefined;
}
