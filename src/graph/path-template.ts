/**
 * HTTP paths generalized into templates, so that `/orders/8812` and `/orders/8813` are one
 * L7 row and the number of rows per edge stays bounded whatever the traffic.
 */

const MAX_SEGMENTS = 12;
const MAX_SEGMENT_CHARS = 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^[0-9]+$/;
const HEX = /^(?=.*[0-9])(?=.*[a-f])[0-9a-f]{8,}$/i;
// Opaque tokens: long, mixing letters and digits (base64url ids, hashes, session keys).
const TOKEN = /^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\-.~=]{16,}$/;
const METHOD = /^[A-Z]{1,16}$/;

/** The placeholder a path segment becomes, or undefined when it is kept as it is. */
function placeholderOf(segment: string): string | undefined {
  if (NUMBER.test(segment)) return "{id}";
  if (UUID.test(segment)) return "{uuid}";
  if (HEX.test(segment)) return "{hex}";
  if (TOKEN.test(segment) || segment.length > MAX_SEGMENT_CHARS) return "{token}";
  return undefined;
}

/**
 * The template of a URL path (no query or fragment): numeric, UUID, hex and long opaque
 * segments become `{id}`, `{uuid}`, `{hex}`, `{token}`; paths deeper than 12 segments end
 * in `/{rest}`. "" becomes "/".
 */
export function pathTemplate(path: string): string {
  if (path === "" || path === "/") return "/";
  const segments = path.split("/");
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (i > MAX_SEGMENTS) {
      out.push("{rest}");
      break;
    }
    const segment = segments[i] ?? "";
    out.push(placeholderOf(segment) ?? segment);
  }
  const joined = out.join("/");
  return joined.startsWith("/") ? joined : `/${joined}`;
}

/** An HTTP method as stored: upper-case token of at most 16 letters, else "OTHER". */
export function methodOf(method: string): string {
  const upper = method.toUpperCase();
  return METHOD.test(upper) ? upper : "OTHER";
}

/** A DNS name as stored: lower case, at most 254 characters (253 plus the trailing dot). */
export function dnsNameOf(query: string): string {
  const lower = query.toLowerCase();
  return lower.length > 254 ? lower.slice(0, 254) : lower;
}
