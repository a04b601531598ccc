import type { HttpJson, Layer7Json } from "./jsonpb.js";
import type { Random } from "./prng.js";

/** One HTTP exchange the L7 proxy records as a REQUEST and a RESPONSE. */
export interface HttpExchange {
  readonly request: HttpJson;
  readonly code: number;
}

type PathMaker = (random: Random) => string;

// Paths carry IDs so that path templating (/api/users/{id}) has something to do.
const ROUTES: readonly { readonly method: string; readonly path: PathMaker; readonly weight: number }[] = [
  { method: "GET", path: (r) => `/api/users/${r.between(1, 99_999)}`, weight: 5 },
  { method: "GET", path: (r) => `/api/products/${r.between(1, 5000)}`, weight: 8 },
  { method: "GET", path: (r) => `/api/products/${r.between(1, 5000)}/reviews`, weight: 2 },
  { method: "GET", path: (r) => `/api/orders/${r.uuid()}`, weight: 2 },
  { method: "POST", path: () => "/api/orders", weight: 1 },
  { method: "PUT", path: (r) => `/api/cart/items/${r.between(1, 5000)}`, weight: 2 },
  { method: "DELETE", path: (r) => `/api/cart/items/${r.between(1, 5000)}`, weight: 1 },
  { method: "GET", path: (r) => `/api/search?q=${r.pick(["shoes", "lamp", "desk", "mug"])}&page=${r.between(1, 9)}`, weight: 2 },
  { method: "GET", path: () => "/healthz", weight: 1 },
];
const TOTAL_WEIGHT = ROUTES.reduce((n, r) => n + r.weight, 0);

/** A random request to `authority` (`host:port`, as in the Host header) and its status. */
export function randomExchange(random: Random, authority: string): HttpExchange {
  let pick = random.float() * TOTAL_WEIGHT;
  let route = ROUTES[0];
  for (const r of ROUTES) {
    pick -= r.weight;
    route = r;
    if (pick < 0) break;
  }
  if (route === undefined) throw new Error("no HTTP routes");
  const roll = random.float();
  const code = roll < 0.9 ? (route.method === "POST" ? 201 : 200) : roll < 0.96 ? 404 : roll < 0.99 ? 500 : 503;
  const request: HttpJson = {
    method: route.method, url: `http://${authority}${route.path(random)}`, protocol: "HTTP/1.1",
    headers: [
      { key: "User-Agent", value: "shop-web/1.8.2" },
      { key: "X-Request-Id", value: random.uuid() },
    ],
  };
  return { request, code };
}

/** The REQUEST record and Hubble's summary line for it. */
export function requestRecord(exchange: HttpExchange): { l7: Layer7Json; summary: string } {
  const r = exchange.request;
  return { l7: { type: "REQUEST", http: r }, summary: `${r.protocol} ${r.method} ${r.url}` };
}

/** The RESPONSE record; Hubble prints the latency in whole milliseconds in the summary. */
export function responseRecord(exchange: HttpExchange, latencyNs: number): { l7: Layer7Json; summary: string } {
  const r = exchange.request;
  const http: HttpJson = {
    code: exchange.code, method: r.method, url: r.url, protocol: r.protocol,
    headers: [{ key: "Content-Type", value: "application/json" }],
  };
  const ns = Math.max(1, Math.round(latencyNs));
  return {
    l7: { type: "RESPONSE", latency_ns: String(ns), http },
    summary: `${r.protocol} ${exchange.code} ${Math.floor(ns / 1e6)}ms (${r.method} ${r.url})`,
  };
}
