/**
 * Whether a parsed JSON/YAML value nests objects or arrays deeper than `maxDepth` (a bare object is
 * depth 1). Iterative, so a hostile document cannot overflow the stack while being measured.
 */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== "object" || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) return true;
    const children: readonly unknown[] = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth });
    }
  }
  return false;
}
