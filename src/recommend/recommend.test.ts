import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePolicyDocuments } from "../policy/index.js";
import { recommendPolicies } from "./recommend.js";
import { clusterWorkload, dns, edge, entity, flows, graphOf, http, variantOf, workload, world } from "./testdata/graph.js";
import type { RecommendOptions, Recommendation } from "./types.js";
import { policiesToFiles, policiesToJson, policiesToYaml } from "./output.js";

const web = workload("shop", "web");
const api = workload("shop", "api");
const coredns = workload("kube-system", "coredns", { "k8s-app": "kube-dns" });
const prom = workload("monitoring", "prometheus");
const stripe = world("203.0.113.10", ["api.stripe.com."]);
const bare = world("198.51.100.7");
const graph = graphOf(
  [web, api, coredns, prom, stripe, bare, entity("kube-apiserver"), entity("host"), entity("remote-node")],
  [
    edge(web, api, "8080/TCP", { http: [http("GET", "/api/users/{id}"), http("GET", "/api/search?{query}"), http("POST", "/api/orders")] }),
    edge(web, coredns, "53/UDP", { dns: [dns("api.shop.svc.cluster.local.")] }),
    edge(api, coredns, "53/UDP", { dns: [dns("api.stripe.com.")] }),
    edge(api, stripe, "443/TCP"),
    edge(api, bare, "443/TCP"),
    edge(api, entity("kube-apiserver"), "6443/TCP", {
      variants: ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map((ip) => flows(variantOf(api), variantOf(entity("kube-apiserver"), { ip }))),
    }),
    edge(api, entity("host"), "10250/TCP"),
    edge(entity("remote-node"), api, "8080/TCP"),
    edge(prom, api, "9090/TCP", { connectionsByVerdict: { AUDIT: 2 }, variants: [flows(variantOf(prom), variantOf(api), 6, { audited: 2 })] }),
    edge(prom, api, "9091/TCP"),
    edge(web, api, "8/ICMPv4"),
    edge(prom, web, "9090/TCP", { connectionsByVerdict: { DROPPED: 4 } }),
  ],
);

function recommend(options: RecommendOptions, g = graph): Recommendation {
  const result = recommendPolicies(g, options);
  if (!result.ok) throw new Error(result.failure.messages.join("\n"));
  return result.recommendation;
}

function spec(r: Recommendation, kind: string, name: string, namespace = "shop"): unknown {
  return r.policies.find((p) => p.kind === kind && p.name === name && p.namespace === namespace)?.object.spec;
}

describe("recommendPolicies", () => {
  it("writes Cilium egress with endpoints, FQDNs, CIDRs, entities, DNS rules for every name, and ICMP rules", () => {
    const r = recommend({ kind: "cilium" });
    expect(spec(r, "CiliumNetworkPolicy", "api-egress")).toEqual({
      endpointSelector: { matchLabels: { app: "api" } },
      egress: [
        { toCIDR: ["198.51.100.7/32"], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
        // Any DNS to any peer: UDP and TCP 53, the proxy sees every lookup (matchPattern "*").
        {
          toEndpoints: [{ matchLabels: { "k8s-app": "kube-dns", "k8s:io.kubernetes.pod.namespace": "kube-system" } }],
          toPorts: [{ ports: [{ port: "53", protocol: "TCP" }, { port: "53", protocol: "UDP" }], rules: { dns: [{ matchPattern: "*" }] } }],
        },
        { toEntities: ["host"], toPorts: [{ ports: [{ port: "10250", protocol: "TCP" }] }] },
        { toEntities: ["kube-apiserver"], toPorts: [{ ports: [{ port: "6443", protocol: "TCP" }] }] },
        { toFQDNs: [{ matchName: "api.stripe.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
      ],
    });
    expect(spec(r, "CiliumNetworkPolicy", "web-egress")).toMatchObject({
      egress: expect.arrayContaining([{ toEndpoints: [{ matchLabels: { app: "api" } }], icmps: [{ fields: [{ type: 8, family: "IPv4" }] }] }]) as unknown,
    });
    const ingress = spec(r, "CiliumNetworkPolicy", "api-ingress") as { ingress: unknown[] };
    expect(ingress.ingress).toContainEqual({ fromEntities: ["remote-node"], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] });
  });

  it("names the observed DNS names only when asked, never on a DNS server's own egress", () => {
    const r = recommend({ kind: "cilium", dnsNames: "exact" });
    expect(JSON.stringify(spec(r, "CiliumNetworkPolicy", "api-egress"))).toContain(JSON.stringify({ dns: [{ matchName: "api.stripe.com" }] }));
  });

  it("adds HTTP rules only when asked, with id-like segments generalized and query strings allowed where seen", () => {
    expect(JSON.stringify(spec(recommend({ kind: "cilium" }), "CiliumNetworkPolicy", "api-ingress"))).not.toContain("http");
    const ingress = spec(recommend({ kind: "cilium", l7: true }), "CiliumNetworkPolicy", "api-ingress");
    expect(JSON.stringify(ingress)).toContain(JSON.stringify({ http: [{ method: "GET", path: "/api/search\\?.*" }, { method: "GET", path: "/api/users/[^/]+" }, { method: "POST", path: "/api/orders" }] }));
  });

  it("writes NetworkPolicy peers across namespaces by a namespace label, world by ipBlock, every API server address, and reports what it cannot express", () => {
    const r = recommend({ kind: "networkpolicy" });
    const egress = spec(r, "NetworkPolicy", "web-egress") as { egress: unknown[] };
    expect(egress.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [{ protocol: "TCP", port: 53 }, { protocol: "UDP", port: 53 }],
    });
    const apiEgress = JSON.stringify(spec(r, "NetworkPolicy", "api-egress"));
    expect(apiEgress).toContain(JSON.stringify({ to: [{ ipBlock: { cidr: "198.51.100.7/32" } }, { ipBlock: { cidr: "203.0.113.10/32" } }], ports: [{ protocol: "TCP", port: 443 }] }));
    expect(apiEgress).toContain(JSON.stringify([{ ipBlock: { cidr: "10.0.0.1/32" } }, { ipBlock: { cidr: "10.0.0.2/32" } }, { ipBlock: { cidr: "10.0.0.3/32" } }]));
    // Egress to the host, ingress from other nodes and ICMP cannot be written as a NetworkPolicy: the set would break them.
    expect(r.refusals.map((x) => `${x.outcome} ${x.reason}`)).toEqual([
      "breaks-traffic shop/api: ingress from reserved:remote-node: NetworkPolicy cannot select the remote-node entity (TCP/8080)",
      "breaks-traffic shop/api: ingress from shop/Deployment/web: NetworkPolicy cannot express this protocol without allowing every port (ICMPv4 type 8)",
      "breaks-traffic shop/api: egress to reserved:host: NetworkPolicy cannot select the host entity (TCP/10250)",
      "breaks-traffic shop/web: egress to shop/Deployment/api: NetworkPolicy cannot express this protocol without allowing every port (ICMPv4 type 8)",
    ]);
    expect(r.validation.NetworkPolicy?.drops.every((d) => d.expected !== undefined)).toBe(true);
  });

  it("aggregates world addresses to the prefix asked for", () => {
    const r = recommend({ kind: "networkpolicy", worldPrefix: 8 });
    expect(JSON.stringify(spec(r, "NetworkPolicy", "api-egress"))).toContain(JSON.stringify([{ ipBlock: { cidr: "198.0.0.0/8" } }, { ipBlock: { cidr: "203.0.0.0/8" } }]));
    expect(r.validation.NetworkPolicy?.permissions.world).toEqual({ cidrRules: 5, addressesCovered: 2 * 2 ** 24 + 3, addressesObserved: 2, fqdnNames: 0 });
  });

  it("leaves dropped and AUDIT-verdict traffic out unless asked, and says so", () => {
    const plain = recommend({ kind: "cilium" });
    expect(spec(plain, "CiliumNetworkPolicy", "web-ingress")).toBeUndefined();
    expect(JSON.stringify(spec(plain, "CiliumNetworkPolicy", "api-ingress"))).not.toContain('"9090"');
    expect(plain.warnings.find((w) => w.kind === "excluded-traffic")?.message).toContain("AUDIT verdicts");
    // Denied at prometheus's egress and at api's ingress, the same 6 flows.
    expect(plain.validation.CiliumNetworkPolicy?.drops.map((d) => [d.port, d.detail, d.flows, d.expected])).toEqual([
      [9090, "egress", 6, "AUDIT verdicts are left out (--include-audit)"], [9090, "ingress", 6, "AUDIT verdicts are left out (--include-audit)"],
    ]);
    expect(plain.validation.CiliumNetworkPolicy?.denied).toBe(6);
    const withDrops = recommend({ kind: "cilium", includeDrops: true });
    expect(JSON.stringify(spec(withDrops, "CiliumNetworkPolicy", "web-ingress"))).toContain("9090");
    const withAudit = recommend({ kind: "cilium", includeAudit: true });
    const annotations = JSON.stringify(withAudit.policies.find((p) => p.name === "api-ingress")?.object.metadata);
    expect(annotations).toContain("including 2 with an AUDIT verdict (a policy in audit mode would deny them; allowed by --include-audit)");
  });

  it("merges peers into one rule only when their port sets are equal", () => {
    const r = recommend({ kind: "cilium" });
    const ingress = spec(r, "CiliumNetworkPolicy", "api-ingress") as { ingress: { fromEndpoints?: unknown[]; toPorts?: unknown }[] };
    // prometheus (9091) and web (8080) stay apart: no rule lets one use the other's port.
    expect(ingress.ingress.filter((x) => x.fromEndpoints !== undefined).map((x) => x.fromEndpoints?.length)).toEqual([1, 1, 1]);
  });

  it("writes a default-deny only where asked, never for a system namespace unless named", () => {
    expect(recommend({ kind: "both" }).policies.filter((p) => p.name === "default-deny")).toEqual([]);
    const all = recommend({ kind: "cilium", defaultDeny: "all" });
    expect(all.policies.filter((p) => p.name === "default-deny").map((p) => p.namespace)).toEqual(["monitoring", "shop"]);
    expect(all.warnings.filter((w) => w.kind === "skipped-namespace").map((w) => w.message)).toEqual(["kube-system: no policies written (a system namespace); name it with --namespace to include it"]);
    const named = recommend({ kind: "cilium", namespaces: ["kube-system", "shop"] });
    expect(named.policies.filter((p) => p.name === "default-deny").map((p) => p.namespace)).toEqual(["kube-system", "shop"]);
    expect(recommend({ kind: "cilium", defaultDeny: "all", excludeNamespaces: ["monitoring"] }).policies.filter((p) => p.name === "default-deny").map((p) => p.namespace)).toEqual(["shop"]);
  });

  it("lists what a default-deny isolates that no allow rule covers", () => {
    const r = recommend({ kind: "cilium", namespaces: ["monitoring"] });
    expect(r.warnings.filter((w) => w.kind === "isolated-without-allow").map((w) => w.message)).toEqual([
      "isolates monitoring/prometheus with no allow rule for its ingress: nothing of that kind was observed in the window",
    ]);
  });

  it("lets a DNS server admit the DNS proxy's upstream leg when its clients' lookups went through the proxy", () => {
    const r = recommend({ kind: "cilium", namespaces: ["kube-system"] });
    const ingress = JSON.stringify(spec(r, "CiliumNetworkPolicy", "coredns-ingress", "kube-system"));
    expect(ingress).toContain(JSON.stringify({ fromEntities: ["host", "remote-node"], toPorts: [{ ports: [{ port: "53", protocol: "TCP" }, { port: "53", protocol: "UDP" }] }] }));
    expect(JSON.stringify(r.policies.find((p) => p.name === "coredns-ingress")?.object.metadata)).toContain("the DNS proxy's upstream leg");
  });

  it("opens a port that many internet addresses reached to the world, with a warning", () => {
    const clients = Array.from({ length: 20 }, (_, i) => world(`198.51.100.${i + 10}`));
    const g = graphOf([web, ...clients], clients.map((c) => edge(c, web, "443/TCP")));
    const r = recommend({ kind: "both", publicIngressThreshold: 16 }, g);
    expect(spec(r, "CiliumNetworkPolicy", "web-ingress")).toEqual({ endpointSelector: { matchLabels: { app: "web" } }, ingress: [{ fromEntities: ["world"], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }] });
    expect(spec(r, "NetworkPolicy", "web-ingress")).toMatchObject({ ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }] });
    expect(r.warnings.some((w) => w.kind === "public-ingress" && w.message.startsWith("TCP/443 received from 20 distinct internet addresses"))).toBe(true);
  });

  it("splits a window of several clusters: each cluster's policies select its own pods, peers carry their cluster", () => {
    const east = clusterWorkload("east", "shop", "web");
    const apiEast = clusterWorkload("east", "shop", "api");
    const apiWest = { ...clusterWorkload("west", "shop", "api"), key: apiEast.key };
    const g = graphOf([east, apiEast], [edge(east, apiEast, "8080/TCP", { variants: [flows(variantOf(east), variantOf(apiEast)), flows(variantOf(east), variantOf(apiWest))] })]);
    const r = recommend({ kind: "cilium", defaultDeny: "all" }, g);
    expect(r.clusters).toEqual(["east", "west"]);
    expect(r.policies.map((p) => `${p.cluster} ${p.name}`)).toEqual(["east default-deny-east", "west default-deny-west", "east api-ingress-east", "west api-ingress-west", "east web-egress-east"]);
    expect(spec(r, "CiliumNetworkPolicy", "api-ingress-west")).toEqual({
      endpointSelector: { matchLabels: { app: "api", "io.cilium.k8s.policy.cluster": "west" } },
      ingress: [{ fromEndpoints: [{ matchLabels: { app: "web", "io.cilium.k8s.policy.cluster": "east" } }], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] }],
    });
  });

  it("renders YAML and JSON that the policy parser reads back with zero problems", () => {
    const r = recommend({ kind: "both", l7: true, portRanges: true, defaultDeny: "all" });
    for (const text of [policiesToYaml(r.policies), policiesToJson(r.policies)]) {
      const docs = text.includes("kind: List") || text.startsWith("{")
        ? [{ origin: { source: "file" as const }, object: JSON.parse(text) as unknown }]
        : text.split(/^---$/m).map((t) => ({ origin: { source: "file" as const }, object: parse(t) as unknown }));
      const parsed = parsePolicyDocuments(docs);
      expect(parsed.problems).toEqual([]);
      expect(parsed.networkPolicies.length + parsed.ciliumPolicies.length).toBe(r.policies.length);
    }
  });

  it("writes one file per namespace and a kustomization listing them", () => {
    const files = policiesToFiles(recommend({ kind: "cilium", defaultDeny: "all" }).policies);
    expect(files.map((f) => f.path)).toEqual(["monitoring.yaml", "shop.yaml", "kustomization.yaml"]);
    expect(parse(files[2]?.content ?? "")).toEqual({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["monitoring.yaml", "shop.yaml"] });
  });

  it("recommends nothing for an empty window", () => {
    const result = recommendPolicies(graphOf([], []), { kind: "both" });
    expect(result.ok && result.recommendation.policies).toEqual([]);
  });
});
