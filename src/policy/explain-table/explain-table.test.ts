import { describe, expect, it } from "vitest";
import { compilePolicyModel } from "../compile/compile-model.js";
import { parsePolicyDocuments } from "../parse/parse-documents.js";
import { yamlDocuments } from "../testdata/example-policies.js";
import { explainModel } from "./explain-table.js";
import type { ExplainTable } from "./explain-table.js";
import { explainTableToJson, explainTableToText } from "./render-explain-table.js";

function explain(yaml: string): ExplainTable {
  const parsed = parsePolicyDocuments(yamlDocuments(yaml));
  expect(parsed.problems).toEqual([]);
  return explainModel(compilePolicyModel(parsed));
}

const NP_DB = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: api}}
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    ports: [{port: 5432}]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`;

const NP_ISOLATE_AND_ALLOW_ALL = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: []}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-any-namespace, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8000, endPort: 8100}, {port: metrics, protocol: TCP}]}]
`;

const CNP_API = `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
  - fromEntities: [world]
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
      rules:
        http: [{method: GET, path: "/api/.*"}, {path: /healthz}]
  ingressDeny:
  - fromCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.8/29]}]
  egress:
  - toFQDNs: [{matchName: api.stripe.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}}]
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules: {dns: [{matchPattern: "*"}]}
  - toCIDR: [10.0.0.0/8]
    icmps: [{fields: [{type: 8, family: IPv4}]}]
`;

const CCNP = `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: team-a}
spec:
  endpointSelector: {matchLabels: {"k8s:team": a}}
  enableDefaultDeny: {egress: false}
  ingress:
  - fromEndpoints: [{}]
  egress:
  - toEntities: [world, kube-apiserver]
  - {}
`;

describe("policy explain table", () => {
  it("a NetworkPolicy with ingress and egress gives one target with a row per rule, peers and ports ORed", () => {
    const table = explain(NP_DB);
    expect(table.targets).toHaveLength(1);
    const [target] = table.targets;
    expect(target).toMatchObject({ namespace: "shop", selector: "k8s:app=db", isolatedBy: { ingress: ["netpol/shop/db"], egress: ["netpol/shop/db"] } });
    expect(target?.rows).toEqual([
      {
        direction: "ingress", action: "allow", policy: "netpol/shop/db", path: "spec.ingress[0]",
        peers: ["k8s:app=api, k8s:io.kubernetes.pod.namespace=shop", "ipBlock:172.17.0.0/16 except 172.17.1.0/24"],
        ports: ["5432/TCP"], notModelled: [],
      },
      {
        direction: "egress", action: "allow", policy: "netpol/shop/db", path: "spec.egress[0]",
        // podSelector AND namespaceSelector in one peer: the pods of the matching namespaces.
        peers: ["k8s:k8s-app=kube-dns, k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=kube-system, k8s:io.kubernetes.pod.namespace"],
        ports: ["53/UDP", "53/TCP"], notModelled: [],
      },
    ]);
  });

  it("an empty ingress list isolates without allowing (none), a {} rule allows all, and policies of one selector share a block", () => {
    const table = explain(NP_ISOLATE_AND_ALLOW_ALL);
    expect(table.targets.map((t) => [t.namespace, t.selector])).toEqual([["shop", "all"]]);
    const [target] = table.targets;
    expect(target?.isolatedBy).toEqual({ ingress: ["netpol/shop/deny-all", "netpol/shop/allow-all", "netpol/shop/from-any-namespace"], egress: [] });
    expect(target?.rows.map((r) => [r.policy, r.path, r.peers, r.ports])).toEqual([
      ["netpol/shop/deny-all", "spec", ["none"], ["none"]],
      ["netpol/shop/allow-all", "spec.ingress[0]", ["all"], ["all"]],
      // namespaceSelector {} selects every pod of every namespace: any pod (it has a namespace label).
      ["netpol/shop/from-any-namespace", "spec.ingress[0]", ["k8s:io.kubernetes.pod.namespace"], ["8000-8100/TCP", "metrics/TCP"]],
    ]);
  });

  it("a CiliumNetworkPolicy lists deny rules first, then entities, FQDNs, selectors, CIDRs, ICMP and L7 rules", () => {
    const [target, ...rest] = explain(CNP_API).targets;
    expect(rest).toEqual([]);
    expect(target).toMatchObject({ namespace: "shop", selector: "any:app=api", isolatedBy: { ingress: ["cnp/shop/api"], egress: ["cnp/shop/api"] } });
    expect(target?.rows.map((r) => [`${r.direction} ${r.action}`, r.path, r.peers, r.ports])).toEqual([
      ["ingress deny", "spec.ingressDeny[0]", ["cidr:203.0.113.0/24 except 203.0.113.8/29"], ["all"]],
      ["ingress allow", "spec.ingress[0]", ["entity:world"], ["8080/TCP L7 http: GET /api/.* | any method /healthz"]],
      ["egress allow", "spec.egress[0]", ["fqdn:matchName api.stripe.com"], ["443/TCP"]],
      ["egress allow", "spec.egress[1]", ["k8s:io.kubernetes.pod.namespace=kube-system, k8s:k8s-app=kube-dns"], ["53/ANY L7 dns: matchPattern *"]],
      ["egress allow", "spec.egress[2]", ["cidr:10.0.0.0/8"], ["ICMPv4 type 8 (EchoRequest)"]],
    ]);
  });

  it("a CiliumClusterwideNetworkPolicy is a cluster-wide target; `- {}` allows none and enableDefaultDeny false leaves the direction open", () => {
    const [target] = explain(CCNP).targets;
    expect(target).toMatchObject({
      namespace: undefined, selector: "k8s:team=a",
      isolatedBy: { ingress: ["ccnp/team-a"], egress: [] },
      withoutDefaultDeny: { ingress: [], egress: ["ccnp/team-a"] },
    });
    expect(target?.rows.map((r) => [`${r.direction} ${r.action}`, r.path, r.peers, r.ports])).toEqual([
      // fromEndpoints {} in a clusterwide policy: every endpoint with a namespace, i.e. every pod.
      ["ingress allow", "spec.ingress[0]", ["k8s:io.kubernetes.pod.namespace"], ["all"]],
      ["egress allow", "spec.egress[0]", ["entity:world", "entity:kube-apiserver"], ["all"]],
      ["egress allow", "spec.egress[1]", ["none"], ["none"]],
    ]);
  });

  it("targets are sorted by namespace (cluster-wide first) then selector", () => {
    const table = explain([NP_DB, NP_ISOLATE_AND_ALLOW_ALL, CNP_API, CCNP].join("\n---\n"));
    expect(table.targets.map((t) => [t.namespace ?? "", t.selector])).toEqual([
      ["", "k8s:team=a"], ["shop", "all"], ["shop", "any:app=api"], ["shop", "k8s:app=db"],
    ]);
  });

  it("renders one aligned block per target with a line per peer and port, then the isolation", () => {
    const yaml = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: 192.168.0.0/16}}]
    ports: [{port: 80}]
`;
    expect(explainTableToText(explain(yaml))).toBe(
      [
        `TYPE${" ".repeat(11)}TARGET${" ".repeat(10)}SOURCE RULES${" ".repeat(18)}PEER${" ".repeat(20)}PORT/PROTOCOL`,
        "ingress allow  a: k8s:app=web  netpol/a/web spec.ingress[0]  ipBlock:10.0.0.0/8      80/TCP",
        `${" ".repeat(61)}ipBlock:192.168.0.0/16`,
        "ingress: isolated (default deny) by netpol/a/web",
        "egress: not isolated (allowed unless a deny rule matches)",
        "",
      ].join("\n"),
    );
  });

  it("the JSON form carries each row's type, direction, action, rule, peers and ports", () => {
    const json = JSON.parse(explainTableToJson(explain(CCNP))) as { targets: { target: string; namespace: string | null; rows: { type: string; policy: string; peers: string[] }[] }[] };
    expect(json.targets[0]?.target).toBe("cluster-wide: k8s:team=a");
    expect(json.targets[0]?.namespace).toBeNull();
    expect(json.targets[0]?.rows.map((r) => [r.type, r.policy, r.peers])).toEqual([
      ["ingress allow", "ccnp/team-a", ["k8s:io.kubernetes.pod.namespace"]],
      ["egress allow", "ccnp/team-a", ["entity:world", "entity:kube-apiserver"]],
      ["egress allow", "ccnp/team-a", ["none"]],
    ]);
  });
});
