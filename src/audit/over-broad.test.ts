import { describe, expect, it } from "vitest";
import { assessEdges } from "./assess.js";
import { overBroadAllowsOf } from "./over-broad.js";
import { catalogRules } from "./rule-catalog.js";
import { ruleUsage } from "./rule-usage.js";
import { edge, graphOf, viewOf, wl, worldAt } from "./testdata/observed.js";
import type { TestEdge } from "./testdata/observed.js";

const web = wl("shop", "web");
const api = wl("shop", "api");
const worker = wl("shop", "worker");
// Workloads in other namespaces that talk among themselves: seen, never using the rule.
const others = ["a", "b", "c", "d"].map((ns) => edge(wl(ns, "client"), wl(ns, "server"), 80));

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: 8000, endPort: 8100}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: worker-egress, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: worker}}
  egress:
  - toCIDR: [0.0.0.0/0]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
`;

function overBroad(edges: readonly TestEdge[]): string[] {
  const view = viewOf(POLICIES, "upstream");
  const graph = graphOf(edges);
  const window = assessEdges(graph, view);
  const usage = ruleUsage(catalogRules(view.model), window, window);
  return overBroadAllowsOf(usage, view, graph.identities.map((o) => o.identity)).map(
    (o) => `${o.location.policy} ${o.location.path} ${o.piece} ${o.metric} ${o.allowed}/${o.used} [${o.usedBy.join(" ")}]`,
  );
}

describe("over-broad allows", () => {
  it("measures an all-namespaces peer used by one workload, a port range used on one port, and 0.0.0.0/0 used by two names", () => {
    expect(
      overBroad([
        edge(web, api, 8080),
        edge(worker, worldAt("203.0.113.10", ["api.stripe.com"]), 443),
        edge(worker, worldAt("198.51.100.20", ["s3.eu-west-1.amazonaws.com"]), 443),
        ...others,
      ]),
    ).toEqual([
      "netpol/shop/api spec.ingress[0].from[0] selector k8s:io.kubernetes.pod.namespace namespaces 5/1 [shop]",
      "netpol/shop/api spec.ingress[0].ports[0] TCP/8000-8100 ports 101/1 [TCP/8080]",
      "cnp/shop/worker-egress spec.egress[0].toCIDR[0] cidr 0.0.0.0/0 addresses 4294967296/2 [api.stripe.com s3.eu-west-1.amazonaws.com]",
    ]);
  });

  it("reports nothing when use covers the allowance", () => {
    expect(overBroad([edge(web, api, 8080)]).filter((l) => l.includes("namespaces"))).toEqual([]);
  });
});
