import { Capture } from "./capture.js";
import { pod } from "./cluster.js";
import type { NodeRef } from "./cluster.js";
import { egressProxyHttp } from "./egress-proxy-http.js";
import type { Header, HttpExchange } from "./l7.js";
import { deploymentPodName, lxcName } from "./names.js";
import { CILIUM_1_10 } from "./profile.js";
import type { GetFlowsResponseJson } from "./wire.js";

const WORKER: NodeRef = { name: "kind-worker", cluster: "kind-kind", ip: "172.18.0.3", routerIp: "10.244.1.148" };

const WEB = pod({
  node: WORKER, ip: "10.244.1.176", namespace: "shop", podName: deploymentPodName("web", "5c9f7b8d46", "n8rqz"),
  identity: 24_701, endpointId: 918, serviceAccount: "web", labels: ["app=web"], workload: undefined,
  iface: { index: 25, name: lxcName("25ace4f1b069") },
});
const API = pod({
  node: WORKER, ip: "10.244.1.107", namespace: "shop", podName: deploymentPodName("api", "7f6d5c98b4", "x4kwp"),
  identity: 31_055, endpointId: 3604, serviceAccount: "api", labels: ["app=api"], workload: undefined,
  iface: { index: 29, name: lxcName("0c465a40f24b") },
});

/** One request to api; `n` numbers its X-Request-Id. */
interface Call {
  readonly n: number;
  readonly method: string;
  readonly pathAndQuery: string;
  readonly code: number;
  /** JSON request body; undefined: none. */
  readonly body?: string;
}

function exchange({ n, method, pathAndQuery, code, body }: Call): HttpExchange {
  const id = `b1d7e3a9-4c2f-4e81-9a6d-${String(n).padStart(12, "0")}`;
  const requestHeaders: Header[] = [
    { key: ":scheme", value: "http" }, { key: "Accept", value: "application/json" },
    { key: "User-Agent", value: "node-fetch/2.6.7" }, { key: "X-Request-Id", value: id },
    ...(body === undefined ? [] : [
      { key: "Content-Type", value: "application/json" }, { key: "Content-Length", value: String(body.length) },
    ]),
  ];
  const responseHeaders: Header[] = [
    { key: "Content-Type", value: "application/json; charset=utf-8" },
    { key: "X-Envoy-Upstream-Service-Time", value: "4" }, { key: "X-Request-Id", value: id },
  ];
  return { method, url: `http://api:8080${pathAndQuery}`, code, requestHeaders, responseHeaders };
}

/**
 * HTTP through the egress L7 proxy (Cilium 1.10 shape, client and server on one node)
 * with URLs that carry query strings and ids: `GET http://api:8080/api/search?q=shoes&page=2`,
 * an encoded query (`q=red%20boots`), `GET /api/items/1234`, `POST /api/cart` (201),
 * `DELETE /api/cart/items/1234` (204), a 404; three kept-alive connections from
 * `shop/web` to `shop/api`, each with its REDIRECTED verdict, TO_PROXY traces for the
 * client's packets and the proxy's upstream leg from the node's cilium_host address.
 * In the NDJSON file the `&` of the query strings is escaped as `\u0026`, as Go's encoder
 * does.
 */
export function httpQuery(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2021-11-10T13:40:02.771864500Z", seed: 1313, profile: CILIUM_1_10 });
  const connections: readonly (readonly [number, number, readonly HttpExchange[]])[] = [
    [46_690, 40_038, [
      exchange({ n: 1, method: "GET", pathAndQuery: "/api/search?q=shoes&page=2", code: 200 }),
      exchange({ n: 2, method: "GET", pathAndQuery: "/api/search?q=red%20boots&page=1&sort=price_asc", code: 200 }),
      exchange({ n: 3, method: "GET", pathAndQuery: "/api/items/1234", code: 200 }),
    ]],
    [46_712, 40_072, [
      exchange({ n: 4, method: "POST", pathAndQuery: "/api/cart", code: 201, body: '{"item":1234,"qty":1}' }),
      exchange({ n: 5, method: "GET", pathAndQuery: "/api/cart?session=9f2d71c4", code: 200 }),
    ]],
    [46_740, 40_096, [
      exchange({ n: 6, method: "GET", pathAndQuery: "/api/items/98765?fields=price,stock", code: 200 }),
      exchange({ n: 7, method: "DELETE", pathAndQuery: "/api/cart/items/1234", code: 204 }),
      exchange({ n: 8, method: "GET", pathAndQuery: "/api/items/0", code: 404 }),
    ]],
  ];
  for (const [clientPort, upstreamPort, exchanges] of connections) {
    egressProxyHttp(cap, { client: WEB, server: API, clientPort, serverPort: 8080, upstreamPort, exchanges });
    cap.pause(30, 90);
  }
  return cap.responses();
}
