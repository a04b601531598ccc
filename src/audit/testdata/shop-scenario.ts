/**
 * A small cluster for golden audit output: `shop` has policies (some too broad, some
 * unused), `open` has none, `monitoring` scrapes shop, one edge runs in audit mode, one is
 * dropped by policy and one by the datapath.
 */
import type { ObservedGraph } from "../../graph/index.js";
import { DAY, HOUR, T0, edge, entity, graphOf, wl, worldAt } from "./observed.js";

export const SHOP_POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}, {podSelector: {matchLabels: {app: admin}}}]
    ports: [{port: 8080}]
  - from: [{namespaceSelector: {}}]
    ports: [{port: 9100}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api-egress, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  egress:
  - toEndpoints: [{matchLabels: {app: db}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
  - toCIDR: [0.0.0.0/0]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: legacy, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: legacy}}
  ingress: [{fromEndpoints: [{matchLabels: {app: web}}]}]
`;

const web = wl("shop", "web");
const api = wl("shop", "api");
const db = wl("shop", "db");
const prometheus = wl("monitoring", "prometheus");
const grafana = wl("monitoring", "grafana");
const dns = wl("kube-system", "coredns", { "k8s-app": "kube-dns" });
const openWeb = wl("open", "web");
const openApi = wl("open", "api");

const windowEdges = [
  edge(web, api, 8080, { connections: { FORWARDED: 120 }, requests: { FORWARDED: 300 } }),
  edge(api, db, 5432, { connections: { FORWARDED: 40 } }),
  edge(api, dns, 53, { protocol: "UDP", connections: { FORWARDED: 60 } }),
  edge(api, worldAt("203.0.113.10", ["api.stripe.com"]), 443, { connections: { FORWARDED: 7 } }),
  edge(prometheus, api, 9100, { connections: { FORWARDED: 24 } }),
  edge(grafana, db, 5432, {
    connections: { AUDIT: 3 },
    sides: [{ kind: "new", side: "ingress", verdict: "AUDIT", source: "policy-verdict", count: 3 }],
  }),
  edge(web, db, 5432, {
    connections: { DROPPED: 5 }, dropReasons: { POLICY_DENIED: 5 },
    sides: [{ kind: "new", side: "ingress", verdict: "DROPPED", source: "drop", count: 5 }],
  }),
  edge(openWeb, openApi, 80, { connections: { FORWARDED: 30, DROPPED: 1 }, dropReasons: { CT_MAP_INSERTION_FAILED: 1 } }),
  edge(entity("host"), api, 8080, { connections: { FORWARDED: 12 } }),
];

/** The window: one day from T0. */
export const SHOP_WINDOW: ObservedGraph = graphOf(windowEdges);

/** The retained history: the window plus an admin connection a week earlier. */
export const SHOP_HISTORY: ObservedGraph = graphOf(
  [...windowEdges, edge(wl("shop", "admin"), api, 8080, { firstMs: T0 - 7 * DAY, lastMs: T0 - 7 * DAY + HOUR })],
  { sinceMs: 0, untilMs: T0 + DAY },
);
