import { RE2JS } from "re2js";

/**
 * Cilium's HTTP rule fields (method, path, host) are regular expressions that must match
 * the whole value: the agent hands them to Envoy as `safe_regex` matchers, which use
 * Google RE2. The model evaluates them with RE2's own algorithm (re2js, a JavaScript port
 * of RE2), so the syntax is RE2's (`(?P<name>`, flag groups anywhere, `\A` `\z`, POSIX and
 * `\p{...}` classes, `\Q...\E`) and matching takes linear time in the value, as in Envoy:
 * no expression can make one flow's evaluation backtrack for seconds. Constructs RE2 does
 * not have (backreferences, lookahead and lookbehind) are rejected with the reason, as
 * Cilium's validation rejects the policy. RE2 runs on UTF-8 bytes in Envoy and on code
 * points here: for valid text the two match alike.
 */

/** Longest expression accepted. */
const MAX_LENGTH = 4096;

/** A compiled full-match expression. */
export interface FullMatch {
  /** True when the expression matches the whole value. */
  test(value: string): boolean;
}

/** A compiled full-match expression, or why it cannot be used. */
export type RegexResult = { readonly kind: "ok"; readonly regex: FullMatch } | { readonly kind: "problem"; readonly message: string };

/** Compiles a Cilium HTTP-rule expression (RE2 syntax) that must match whole values. */
export function compileRe2(source: string): RegexResult {
  if (source.length > MAX_LENGTH) return { kind: "problem", message: `regular expression longer than ${MAX_LENGTH} characters` };
  const unsupported = notRe2(source);
  if (unsupported !== undefined) return { kind: "problem", message: `${unsupported} is not supported by RE2, which Cilium uses` };
  try {
    const pattern = RE2JS.compile(source);
    return { kind: "ok", regex: { test: (value) => pattern.matches(value) } };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, "");
    return { kind: "problem", message: `invalid regular expression ${JSON.stringify(source)} (${reason})` };
  }
}

/** Convenience for callers that only need the expression; `undefined` when unusable. */
export function anchoredRegExp(source: string): FullMatch | undefined {
  const r = compileRe2(source);
  return r.kind === "ok" ? r.regex : undefined;
}

/**
 * What JavaScript (and PCRE) users write that RE2 lacks, named for the message; RE2 would
 * refuse it too, with a less telling error. Walks the expression once, past escapes and
 * character classes (where `(?` and `\1` are not syntax).
 */
function notRe2(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? "";
    const next = source[i + 1] ?? "";
    if (c === "\\") {
      if (!inClass && (/[1-9]/.test(next) || (next === "k" && source[i + 2] === "<"))) return "a backreference";
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal.
      if (next === "^") i++;
      if (source[i + 1] === "]") i++;
      continue;
    }
    if (c === "(" && next === "?" && /^(?:=|!|<=|<!)/.test(source.slice(i + 2))) return "lookahead or lookbehind";
  }
  return undefined;
}
