import { Capture } from "./capture.js";
import { pod } from "./cluster.js";
import type { NodeRef, Pod, PodSpec } from "./cluster.js";
import { egressProxyHttp } from "./egress-proxy-http.js";
import type { HttpExchange } from "./l7.js";
import { deploymentPodName, lxcName } from "./names.js";
import { CILIUM_1_10 } from "./profile.js";
import type { EndpointJson, GetFlowsResponseJson } from "./wire.js";

const CLUSTER = "kind-kind";
const WORKER: NodeRef = { name: "kind-worker", cluster: CLUSTER, ip: "172.18.0.4", routerIp: "10.244.1.66" };
const WORKER_2: NodeRef = { name: "kind-worker2", cluster: CLUSTER, ip: "172.18.0.2", routerIp: "10.244.2.173" };

/** A pod of Deployment `<app>-v1`, bookinfo style: ReplicaSet hash and pod suffix name it. */
interface StorefrontPod extends Pick<PodSpec, "node" | "ip" | "identity" | "endpointId" | "iface"> {
  readonly app: string;
  readonly hash: string;
  readonly suffix: string;
}

function storefrontPod({ app, hash, suffix, ...p }: StorefrontPod): Pod {
  return pod({
    ...p, namespace: "storefront", podName: deploymentPodName(`${app}-v1`, hash, suffix), serviceAccount: `storefront-${app}`,
    labels: [`app=${app}`, "version=v1"], workload: { name: `${app}-v1`, kind: "Deployment" },
  });
}

const FRONTEND = storefrontPod({
  app: "frontend", hash: "7c9d8b5f4", suffix: "qkx2w",
  node: WORKER, ip: "10.244.1.31", identity: 28_611, endpointId: 1344, iface: { index: 23, name: lxcName("0c7b3e91fa25") },
});
/** On the other node: the proxy's L7 records call it world. */
const CATALOG = storefrontPod({
  app: "catalog", hash: "5f6b94d8c7", suffix: "zr8tn",
  node: WORKER_2, ip: "10.244.2.140", identity: 9_042, endpointId: 2210, iface: { index: 19, name: lxcName("6ad93c0e1b47") },
});
/** On the client's node: the L7 records resolve it. */
const CART = storefrontPod({
  app: "cart", hash: "69d8f7c45b", suffix: "v4mhs",
  node: WORKER, ip: "10.244.1.95", identity: 17_733, endpointId: 377, iface: { index: 31, name: lxcName("e25f80a7d3c1") },
});

/** How Cilium 1.10's proxy printed a server on another node: world, but with the pod's name. */
const CATALOG_AS_WORLD: EndpointJson = {
  identity: 2, namespace: "storefront", labels: ["reserved:world"], pod_name: CATALOG.spec.podName,
};

/** A `GET http://<authority><path>` answered 200 with a JSON body of `length` bytes. */
interface Get {
  readonly authority: string;
  readonly path: string;
  readonly requestId: string;
  /** Response body length in bytes. */
  readonly length: number;
}

function get({ authority, path, requestId, length }: Get): HttpExchange {
  return {
    method: "GET", url: `http://${authority}${path}`, code: 200,
    requestHeaders: [
      { key: ":scheme", value: "http" }, { key: "User-Agent", value: "python-requests/2.25.1" },
      { key: "Accept", value: "application/json" }, { key: "X-Request-Id", value: requestId },
    ],
    responseHeaders: [
      { key: "Content-Type", value: "application/json" }, { key: "Content-Length", value: String(length) },
      { key: "X-Envoy-Upstream-Service-Time", value: "3" }, { key: "X-Request-Id", value: requestId },
    ],
  };
}

/**
 * HTTP through Cilium's egress L7 proxy where the L7 records (event type 129, Type L7,
 * REQUEST/RESPONSE) print the server as identity 2 `["reserved:world"]` while naming the
 * pod, but the L3/L4 records of the same 5-tuple (the REDIRECTED policy verdict, the
 * TO_PROXY traces, the TO_ENDPOINT reply traces) carry its real managed identity. This is
 * what Cilium 1.10 did in the recorded bookinfo capture for servers on another node
 * (`storefront/catalog` here); a server on the client's node (`storefront/cart`) is
 * resolved in the L7 records too. The proxy's upstream leg leaves from the node's
 * `cilium_host` address with the client's identity.
 */
export function l7WorldProxy(): readonly GetFlowsResponseJson[] {
  const cap = new Capture({ start: "2021-11-10T11:02:41.503117400Z", seed: 202, profile: CILIUM_1_10 });
  const verdict = { verdict: "REDIRECTED", matchType: 3 } as const;
  const catalog = [
    { clientPort: 48_216, upstreamPort: 40_722, paths: ["/v1/products/42", "/v1/products/42/reviews"] },
    { clientPort: 48_230, upstreamPort: 40_738, paths: ["/v1/products?category=shoes"] },
    { clientPort: 48_252, upstreamPort: 40_760, paths: ["/v1/products/77"] },
  ];
  let request = 0;
  const requestId = (): string => `5e0c2a7b-91f4-4d3a-8b6e-${String(++request).padStart(12, "0")}`;
  for (const c of catalog) {
    egressProxyHttp(cap, {
      client: FRONTEND, server: CATALOG, clientPort: c.clientPort, serverPort: 8080, upstreamPort: c.upstreamPort,
      verdict, l7Server: CATALOG_AS_WORLD,
      exchanges: c.paths.map((path, i) => get({ authority: "catalog:8080", path, requestId: requestId(), length: 310 + i * 97 })),
    });
    cap.pause(15, 40);
  }
  for (const [clientPort, upstreamPort] of [[51_004, 43_118], [51_020, 43_130]] as const) {
    egressProxyHttp(cap, {
      client: FRONTEND, server: CART, clientPort, serverPort: 8080, upstreamPort, verdict,
      exchanges: [get({ authority: "cart:8080", path: "/v1/cart", requestId: requestId(), length: 128 })],
    });
    cap.pause(15, 40);
  }
  return cap.responses();
}
