import type { DnsSeen, HttpSeen } from "../graph/index.js";

/** What the graph stores in place of L7 detail past its per-edge bound. */
const OVERFLOW = "<other>";
/** What a stored path template ends in when the requests carried a query string. */
const QUERY_MARK = "?{query}";
// Placeholders of the graph's path templates, and raw segments that look like ids.
const PLACEHOLDER = /^\{(id|uuid|hex|token)\}$/;
const SAMPLES: Readonly<Record<string, string>> = { "{id}": "1", "{uuid}": "00000000-0000-4000-8000-000000000000", "{hex}": "0a1b2c3d4e", "{token}": "t0k3nT0K3Nt0k3nT0", "{rest}": "rest" };
const ID_LIKE = /^(?:[0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=.*[0-9])(?=.*[a-f])[0-9a-f]{8,})$/i;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * The Cilium HTTP `path` expression (RE2, whole-path match) for an observed path template:
 * id-like segments (`{id}`, `{uuid}`, numbers, long hex, `{token}`) become `[^/]+`, a
 * trailing `{rest}` becomes `.*`, a template of requests with a query string (`?{query}`)
 * ends in `\?.*`, everything else is matched literally.
 */
export function pathRegex(template: string): string {
  // Envoy matches a Cilium HTTP path rule against the request's :path, query included, so
  // requests seen with a query string need the rule to allow one.
  if (template.endsWith(QUERY_MARK)) return `${pathRegex(template.slice(0, -QUERY_MARK.length))}\\?.*`;
  return template
    .split("/")
    .map((segment) => {
      if (segment === "{rest}") return ".*";
      if (PLACEHOLDER.test(segment) || ID_LIKE.test(segment)) return "[^/]+";
      return segment.replace(REGEX_SPECIAL, "\\$&");
    })
    .join("/");
}

/** One HTTP rule: method and path expression. */
export interface HttpRule {
  readonly method: string;
  readonly path: string;
}

/**
 * HTTP rules for the observed requests, sorted and deduplicated; undefined when the
 * detail overflowed (then the port is left without L7 rules rather than risk a drop).
 */
export function httpRules(seen: readonly HttpSeen[]): readonly HttpRule[] | undefined {
  if (seen.some((h) => h.path === OVERFLOW || h.method === OVERFLOW || h.method === "OTHER")) return undefined;
  const rules = new Map<string, HttpRule>();
  for (const h of seen) {
    const rule = { method: h.method, path: pathRegex(h.path) };
    rules.set(`${rule.method} ${rule.path}`, rule);
  }
  return [...rules.keys()].sort().map((k) => rules.get(k)).filter((r) => r !== undefined);
}

/**
 * Cilium DNS rule entries for the observed queries: each name as `matchName` (lower case,
 * no trailing dot), or `matchPattern: "*"` when the detail overflowed or none was seen, so
 * that the DNS proxy sees every lookup and toFQDNs rules can learn addresses.
 */
export function dnsRules(seen: readonly DnsSeen[]): readonly ({ readonly matchName: string } | { readonly matchPattern: string })[] {
  if (seen.length === 0 || seen.some((d) => d.query === OVERFLOW)) return [{ matchPattern: "*" }];
  const names = [...new Set(seen.map((d) => d.query.toLowerCase().replace(/\.$/, "")).filter((n) => n !== ""))].sort();
  return names.length === 0 ? [{ matchPattern: "*" }] : names.map((matchName) => ({ matchName }));
}

/**
 * A request path a stored template stands for (placeholders filled with sample values, a
 * query string when the template has one), for replaying HTTP rules; undefined for the
 * overflow row, which carries no path.
 */
export function templatePath(template: string): string | undefined {
  if (template === OVERFLOW) return undefined;
  const query = template.endsWith(QUERY_MARK);
  const path = (query ? template.slice(0, -QUERY_MARK.length) : template).split("/").map((s) => SAMPLES[s] ?? s).join("/");
  return query ? `${path}?q=1` : path;
}
