/**
 * Cilium's HTTP rule fields (method, path, host) are regular expressions that must match
 * the whole value (Envoy `safe_regex`, RE2). JavaScript's engine is used here; the syntax
 * shared by RE2 and JavaScript covers what policies use in practice.
 * Returns `undefined` when the text is not a valid expression.
 */
export function anchoredRegExp(source: string): RegExp | undefined {
  if (source.length > 4096) return undefined;
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}
