/**
 * The path and query of an HTTP request as Hubble reports its URL. Policy evaluation
 * (simulate, replay) matches Cilium HTTP `path` rules against the path with its query, as
 * Envoy matches them against the request's `:path`; the graph keeps the path template and
 * whether a query was present, which together are what such a match needs. Both sides read
 * the URL the same way: an absolute URL through the WHATWG URL parser (its pathname and
 * search), anything else as written.
 */

function parsed(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The path of an HTTP URL (absolute or origin-form), without query or fragment; "" becomes "/". */
export function pathOf(url: string): string {
  const u = parsed(url);
  if (u !== undefined) return u.pathname === "" ? "/" : u.pathname;
  const end = url.search(/[?#]/);
  const path = end < 0 ? url : url.slice(0, end);
  return path === "" ? "/" : path;
}

/** The path with its query, as a policy match sees it (`/api/search?q=1`). */
export function pathWithQuery(url: string): string {
  const u = parsed(url);
  return u === undefined ? url : `${u.pathname}${u.search}`;
}

/** Whether the request carried a query string (what {@link pathWithQuery} adds to {@link pathOf}). */
export function hasQuery(url: string): boolean {
  const u = parsed(url);
  if (u !== undefined) return u.search !== "";
  const hash = url.indexOf("#");
  return (hash < 0 ? url : url.slice(0, hash)).includes("?");
}
