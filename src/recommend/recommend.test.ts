import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePolicyDocuments } from "../policy/index.js";
import { recommendPolicies } from "./recommend.js";
import { dns, edge, entity, graphOf, http, workload, world } from "./testdata/graph.js";
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
    edge(web, api, "8080/TCP", { http: [http("GET", "/api/users/{id}"), http("POST", "/api/orders")] }),
    edge(web, coredns, "53/UDP", { dns: [dns("api.shop.svc.cluster.local.")] }),
    edge(api, coredns, "53/UDP", { dns: [dns("api.stripe.com.")] }),
    edge(api, stripe, "443/TCP"),
    edge(api, bare, "443/TCP"),
    edge(api, entity("kube-apiserver"), "6443/TCP"),
    edge(api, entity("host"), "10250/TCP"),
    edge(entity("remote-node"), api, "8080/TCP"),
    edge(prom, api, "9090/TCP", { connectionsByVerdict: { AUDIT: 2 } }),
    edge(web, api, "0/ICMPv4"),
    edge(prom, web, "9090/TCP", { connectionsByVerdict: { DROPPED: 4 } }),
  ],
);

function recommend(options: RecommendOptions): Recommendation {
  const result = recommendPolicies(graph, options);
  if (!result.ok) throw new Error(result.failure.messages.join("\n"));
  return result.recommendation;
}

function spec(r: Recommendation, kind: string, name: string, namespace = "shop"): unknown {
  return r.policies.find((p) => p.kind === kind && p.name === name && p.namespace === namespace)?.object.spec;
}

describe("recommendPolicies", () => {
  it("writes Cilium egress with endpoints, FQDNs, CIDRs, entities and DNS rules", () => {
    const r = recommend({ kind: "cilium" });
    expect(spec(r, "CiliumNetworkPolicy", "api-egress")).toEqual({
      endpointSelector: { matchLabels: { app: "api" } },
      // Rules follow the peers' identity keys: workloads, reserved entities, world addresses.
      egress: [
        {
          toEndpoints: [{ matchLabels: { "k8s-app": "kube-dns", "k8s:io.kubernetes.pod.namespace": "kube-system" } }],
          toPorts: [{ ports: [{ port: "53", protocol: "TCP" }, { port: "53", protocol: "UDP" }], rules: { dns: [{ matchName: "api.stripe.com" }] } }],
        },
        { toEntities: ["host"], toPorts: [{ ports: [{ port: "10250", protocol: "TCP" }] }] },
        { toEntities: ["kube-apiserver"], toPorts: [{ ports: [{ port: "6443", protocol: "TCP" }] }] },
        { toCIDR: ["198.51.100.7/32"], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
        { toFQDNs: [{ matchName: "api.stripe.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
      ],
    });
    const ingress = spec(r, "CiliumNetworkPolicy", "api-ingress") as { ingress: unknown[] };
    expect(ingress.ingress).toContainEqual({ fromEntities: ["remote-node"], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] });
  });

  it("adds HTTP rules only when asked, with id-like segments generalized", () => {
    expect(JSON.stringify(spec(recommend({ kind: "cilium" }), "CiliumNetworkPolicy", "api-ingress"))).not.toContain("http");
    const ingress = spec(recommend({ kind: "cilium", l7: true }), "CiliumNetworkPolicy", "api-ingress");
    expect(JSON.stringify(ingress)).toContain(JSON.stringify({ http: [{ method: "GET", path: "/api/users/[^/]+" }, { method: "POST", path: "/api/orders" }] }));
  });

  it("writes NetworkPolicy peers across namespaces by namespace name, world by ipBlock, and reports what it cannot express", () => {
    const r = recommend({ kind: "networkpolicy", apiServerAddresses: ["10.96.0.1"] });
    const egress = spec(r, "NetworkPolicy", "web-egress") as { egress: unknown[] };
    expect(egress.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [{ protocol: "TCP", port: 53 }, { protocol: "UDP", port: 53 }],
    });
    const apiEgress = JSON.stringify(spec(r, "NetworkPolicy", "api-egress"));
    expect(apiEgress).toContain(JSON.stringify({ to: [{ ipBlock: { cidr: "198.51.100.7/32" } }, { ipBlock: { cidr: "203.0.113.10/32" } }], ports: [{ protocol: "TCP", port: 443 }] }));
    expect(apiEgress).toContain("10.96.0.1/32");
    expect(r.warnings.map((w) => w.kind).sort()).toEqual(["api-server-ipblock", "not-expressible", "not-expressible", "not-expressible", "not-expressible"]);
    expect(r.validation.NetworkPolicy?.expectedDrops.map((d) => `${d.destination} ${d.protocol}`).sort()).toEqual([
      "reserved:host TCP", "reserved:kube-apiserver TCP", "shop/Deployment/api ICMPv4", "shop/Deployment/api ICMPv4", "shop/Deployment/api TCP",
    ]);
  });

  it("aggregates world addresses to the prefix asked for", () => {
    const r = recommend({ kind: "networkpolicy", worldPrefix: 8 });
    expect(JSON.stringify(spec(r, "NetworkPolicy", "api-egress"))).toContain(JSON.stringify([{ ipBlock: { cidr: "198.0.0.0/8" } }, { ipBlock: { cidr: "203.0.0.0/8" } }]));
    expect(r.validation.NetworkPolicy?.permissions.world).toEqual({ cidrRules: 2, addressesCovered: 2 * 2 ** 24, addressesObserved: 2, fqdnNames: 0 });
  });

  it("leaves dropped traffic out unless asked, and audited traffic in", () => {
    expect(spec(recommend({ kind: "cilium" }), "CiliumNetworkPolicy", "web-ingress")).toBeUndefined();
    expect(JSON.stringify(spec(recommend({ kind: "cilium", includeDrops: true }), "CiliumNetworkPolicy", "web-ingress"))).toContain("9090");
    expect(JSON.stringify(spec(recommend({ kind: "cilium" }), "CiliumNetworkPolicy", "api-ingress"))).toContain("9090");
  });

  it("puts a default-deny policy in every namespace with a workload, and evidence on every rule", () => {
    const r = recommend({ kind: "both" });
    const denies = r.policies.filter((p) => p.name === "default-deny").map((p) => `${p.kind} ${p.namespace}`);
    expect(denies).toEqual(["NetworkPolicy kube-system", "NetworkPolicy monitoring", "NetworkPolicy shop", "CiliumNetworkPolicy kube-system", "CiliumNetworkPolicy monitoring", "CiliumNetworkPolicy shop"]);
    const web = r.policies.find((p) => p.kind === "NetworkPolicy" && p.name === "web-egress");
    expect(web?.object.metadata).toMatchObject({
      annotations: { "evidence.hubble-auditor.io/egress-0": "kube-system/coredns TCP/53 UDP/53: 3 connections, 2 requests, first 2026-01-01T00:00:00Z, last 2026-01-01T00:01:00Z" },
    });
  });

  it("renders YAML and JSON that the policy parser reads back with zero problems", () => {
    const r = recommend({ kind: "both", l7: true, portRanges: true });
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
    const files = policiesToFiles(recommend({ kind: "cilium" }).policies);
    expect(files.map((f) => f.path)).toEqual(["kube-system.yaml", "monitoring.yaml", "shop.yaml", "kustomization.yaml"]);
    expect(parse(files[3]?.content ?? "")).toEqual({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["kube-system.yaml", "monitoring.yaml", "shop.yaml"] });
  });

  it("recommends nothing for an empty window", () => {
    const result = recommendPolicies(graphOf([], []), { kind: "both" });
    expect(result.ok && result.recommendation.policies).toEqual([]);
  });
});
