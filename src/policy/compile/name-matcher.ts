import type { FqdnSelectorSpec } from "../spec/cilium-policy.js";
import type { NameMatcher } from "./model.js";

/** Lower-case, no trailing dot: the form names are compared in. */
export function normaliseDnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/**
 * Compiles a toFQDNs / DNS-rule selector. Cilium's matchPattern rules:
 * `*` alone matches every name; a leading `**.` matches one or more whole labels
 * (`**.cilium.io` matches `a.b.cilium.io` but not `cilium.io`); any other `*` matches
 * zero or more DNS characters within one label (`*.cilium.io` does not match
 * `sub.sub.cilium.io`).
 */
export function compileNameMatcher(spec: FqdnSelectorSpec): NameMatcher {
  if (spec.matchName !== undefined) {
    const want = spec.matchName;
    return { text: `matchName ${want}`, test: (name) => normaliseDnsName(name) === want };
  }
  const pattern = spec.matchPattern ?? "";
  if (pattern === "*") return { text: "matchPattern *", test: () => true };
  let rest = pattern;
  let source = "^";
  if (rest.startsWith("**.")) {
    source += "(?:[-a-z0-9_]+\\.)+";
    rest = rest.slice(3);
  }
  source += rest
    .split("*")
    .map((part) => part.replace(/[.]/g, "\\."))
    .join("[-a-z0-9_]*");
  const re = new RegExp(`${source}$`);
  return { text: `matchPattern ${pattern}`, test: (name) => re.test(normaliseDnsName(name)) };
}
