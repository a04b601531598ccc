/**
 * Cilium's HTTP rule fields (method, path, host) are regular expressions that must match
 * the whole value: the agent hands them to Envoy as `safe_regex` matchers, which use
 * Google RE2. The model evaluates them with JavaScript's engine after checking that the
 * text means the same in both:
 * - constructs RE2 does not have (backreferences `\1` `\k<n>`, lookahead/lookbehind) are
 *   rejected, as Cilium's validation would reject the policy;
 * - RE2 syntax JavaScript lacks is translated where the meaning is certain: `(?P<name>`,
 *   leading flag groups `(?i)` and `(?s)`, `\A` and `\z`, and POSIX classes such as
 *   `[[:digit:]]`;
 * - RE2 syntax with no faithful JavaScript form (flag groups after the start, `\p{...}`
 *   Unicode classes, `\C`, `\Q...\E`) is rejected with a message that says it is a
 *   limitation of the model, not an error in the policy.
 * RE2 matches in linear time; JavaScript backtracks, so the length of expressions is capped.
 */

/** Longest expression accepted. */
const MAX_LENGTH = 4096;

const POSIX: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** A compiled full-match expression, or why it cannot be used. */
export type RegexResult = { readonly kind: "ok"; readonly regex: RegExp } | { readonly kind: "problem"; readonly message: string };

/** Compiles a Cilium HTTP-rule expression (RE2 syntax) into an anchored JavaScript RegExp. */
export function compileRe2(source: string): RegexResult {
  if (source.length > MAX_LENGTH) return { kind: "problem", message: `regular expression longer than ${MAX_LENGTH} characters` };
  const flags = /^\(\?([is]+)\)/.exec(source);
  const body = flags === null ? source : source.slice(flags[0].length);
  const translated = translate(body);
  if (translated.kind === "problem") return translated;
  try {
    const jsFlags = [...new Set(flags?.[1] ?? "")].join("");
    return { kind: "ok", regex: new RegExp(`^(?:${translated.text})$`, jsFlags) };
  } catch {
    return { kind: "problem", message: `invalid regular expression ${JSON.stringify(source)}` };
  }
}

/** Convenience for callers that only need the expression; `undefined` when unusable. */
export function anchoredRegExp(source: string): RegExp | undefined {
  const r = compileRe2(source);
  return r.kind === "ok" ? r.regex : undefined;
}

type Translation = { readonly kind: "ok"; readonly text: string } | { readonly kind: "problem"; readonly message: string };

const notRe2 = (what: string): Translation => ({ kind: "problem", message: `${what} is not supported by RE2, which Cilium uses` });
const notModelled = (what: string): Translation => ({
  kind: "problem",
  message: `${what} (valid RE2) is not evaluated by this model; the rule is left out`,
});

/** Walks the expression once, tracking escapes and character classes. */
function translate(source: string): Translation {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? "";
    const next = source[i + 1] ?? "";
    if (c === "\\") {
      if (/[1-9]/.test(next) || (next === "k" && source[i + 2] === "<")) return notRe2("a backreference");
      if (next === "p" || next === "P") return notModelled("a \\p Unicode class");
      if (next === "C" || next === "Q" || next === "E") return notModelled(`\\${next}`);
      if (!inClass && next === "A") out += "^";
      else if (!inClass && next === "z") out += "$";
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (posix !== null) {
        const range = POSIX[posix[2] ?? ""];
        if (range === undefined) return { kind: "problem", message: `unknown character class [:${posix[2] ?? ""}:]` };
        if (posix[1] === "^") return notModelled("a negated POSIX class inside brackets");
        out += range;
        i += posix[0].length - 1;
        continue;
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in both syntaxes.
      if (next === "^") {
        out += next;
        i++;
      }
      if (source[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && next === "?") {
      const rest = source.slice(i + 2);
      if (/^(?:=|!|<=|<!)/.test(rest)) return notRe2("lookahead or lookbehind");
      if (rest.startsWith("P<")) {
        out += "(?<";
        i += 3;
        continue;
      }
      if (!rest.startsWith(":") && !rest.startsWith("<")) return notModelled("an inline flag group after the start");
    }
    out += c;
  }
  return { kind: "ok", text: out };
}
