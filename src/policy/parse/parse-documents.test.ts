import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { SourceDocument } from "../source-document.js";
import { parsePolicyDocuments } from "./parse-documents.js";

function docs(text: string): SourceDocument[] {
  return parseAllDocuments(text).map((d, i) => ({
    origin: { source: "file", file: "p.yaml", documentIndex: i },
    object: d.toJS() as unknown,
  }));
}

const np = (spec: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: prod}
spec:
${spec}`;

const cnp = (spec: string): string => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bad, namespace: prod}
spec:
${spec}`;

describe("parsePolicyDocuments: problems name file, document, object and field", () => {
  it.each([
    [
      "unknown operator",
      np(`  podSelector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}`),
      "spec.podSelector.matchExpressions[0].operator",
      'unknown operator "Equals" (want In, NotIn, Exists or DoesNotExist)',
    ],
    [
      "In without values",
      np(`  podSelector: {matchExpressions: [{key: app, operator: In}]}`),
      "spec.podSelector.matchExpressions[0].values",
      "operator In needs at least one value",
    ],
    [
      "bad CIDR",
      np(`  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]`),
      "spec.ingress[0].from[0].ipBlock.cidr",
      '"10.0.0.0/33" is not a valid CIDR',
    ],
    [
      "except outside cidr",
      np(`  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]`),
      "spec.ingress[0].from[0].ipBlock.except[0]",
      "11.0.0.0/16 is not a strict subset of 10.0.0.0/8",
    ],
    [
      "port out of range",
      np(`  podSelector: {}\n  ingress: [{}, {}, {ports: [{port: 70000}]}]`),
      "spec.ingress[2].ports[0].port",
      "port 70000 is out of range 1-65535",
    ],
    [
      "endPort below port",
      np(`  podSelector: {}\n  ingress: [{}, {}, {ports: [{port: 8080, endPort: 80}]}]`),
      "spec.ingress[2].ports[0].endPort",
      "endPort 80 is less than port 8080",
    ],
    [
      "endPort with named port",
      np(`  podSelector: {}\n  egress: [{ports: [{port: http, endPort: 90}]}]`),
      "spec.egress[0].ports[0].endPort",
      "endPort needs a numeric port",
    ],
    [
      "ipBlock with a selector",
      np(`  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, namespaceSelector: {}}]}]`),
      "spec.ingress[0].from[0]",
      "ipBlock may not be combined with podSelector or namespaceSelector",
    ],
    [
      "empty peer",
      np(`  podSelector: {}\n  ingress: [{from: [{}]}]`),
      "spec.ingress[0].from[0]",
      "peer must set podSelector, namespaceSelector or ipBlock",
    ],
    [
      "bad protocol",
      np(`  podSelector: {}\n  ingress: [{ports: [{protocol: ICMP}]}]`),
      "spec.ingress[0].ports[0].protocol",
      'unsupported protocol "ICMP" (want TCP, UDP or SCTP)',
    ],
    [
      "bad HTTP regex",
      cnp(`  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: "80"}], rules: {http: [{path: "/a(["}]}}]}]`),
      "spec.ingress[0].toPorts[0].rules.http[0].path",
      'invalid regular expression "/a(["',
    ],
    [
      "unknown entity",
      cnp(`  endpointSelector: {}\n  egress: [{toEntities: [internet]}]`),
      "spec.egress[0].toEntities[0]",
      'unknown entity "internet" (want one of world, cluster, host, remote-node, kube-apiserver, health, init, ingress, unmanaged, all)',
    ],
    [
      "toFQDNs with toEndpoints",
      cnp(`  endpointSelector: {}\n  egress: [{toFQDNs: [{matchName: a.com}], toEndpoints: [{}]}]`),
      "spec.egress[0].toFQDNs",
      "toFQDNs cannot be combined with other L3 fields in one rule",
    ],
    [
      "cilium port out of range",
      cnp(`  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: "65536"}]}]}]`),
      "spec.ingress[0].toPorts[0].ports[0].port",
      "port 65536 is out of range 0-65535",
    ],
    [
      "both selectors",
      cnp(`  endpointSelector: {}\n  nodeSelector: {}`),
      "spec",
      "set exactly one of endpointSelector or nodeSelector",
    ],
    [
      "L7 in deny",
      cnp(`  endpointSelector: {}\n  ingressDeny: [{toPorts: [{ports: [{port: "80"}], rules: {http: [{}]}}]}]`),
      "spec.ingressDeny[0].toPorts[0].rules",
      "deny rules cannot have L7 rules",
    ],
  ])("%s", (_name, text, path, message) => {
    const result = parsePolicyDocuments(docs(text));
    expect(result.problems).toContainEqual({
      origin: { source: "file", file: "p.yaml", documentIndex: 0 },
      kind: expect.stringMatching(/Policy$/) as unknown,
      namespace: "prod",
      name: "bad",
      path,
      message,
    });
  });

  it("keeps the other policies and the valid rules of a bad policy", () => {
    const result = parsePolicyDocuments(
      docs(`${np(`  podSelector: {}\n  ingress: [{ports: [{port: 70000}]}, {ports: [{port: 80}]}]`)}
---
${cnp(`  endpointSelector: {}\n  ingress: [{fromEntities: [world]}]`)}
`),
    );
    expect(result.problems).toHaveLength(1);
    expect(result.networkPolicies[0]?.ingress.map((r) => r.index)).toEqual([1]);
    expect(result.ciliumPolicies).toHaveLength(1);
  });

  it("unwraps Lists, ignores other kinds and reads namespaces and pods", () => {
    const result = parsePolicyDocuments(
      docs(`apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {team: a}}}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: prod, labels: {app: web}, ownerReferences: [{kind: ReplicaSet, name: web-7d, controller: true}]}
  spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}
  status: {podIP: 10.0.0.5, podIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]}
- {apiVersion: v1, kind: Service, metadata: {name: web}}
`),
    );
    expect(result.problems).toEqual([]);
    expect(result.namespaces).toMatchObject([{ name: "prod", labels: [["team", "a"]] }]);
    expect(result.pods[0]).toMatchObject({
      namespace: "prod",
      name: "web-1",
      ips: ["10.0.0.5", "fd00::5"],
      namedPorts: [
        { name: "http", port: 8080, protocol: "TCP" },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
      owners: [{ kind: "ReplicaSet", name: "web-7d", controller: true }],
    });
    expect(result.ignored).toMatchObject([{ kind: "Service", name: "web" }]);
  });

  it("bounds deeply nested documents", () => {
    let deep: unknown = {};
    for (let i = 0; i < 100; i++) deep = { a: deep };
    const result = parsePolicyDocuments([{ origin: { source: "kubernetes" }, object: deep }]);
    expect(result.problems).toEqual([
      { origin: { source: "kubernetes" }, path: "", message: "document is nested deeper than 64 levels" },
    ]);
  });

  it("defaults policyTypes from the presence of egress rules", () => {
    const result = parsePolicyDocuments(
      docs(`${np(`  podSelector: {}\n  egress: [{}]`)}
---
${np(`  podSelector: {}\n  egress: []`).replace("name: bad", "name: b2")}
`),
    );
    expect(result.networkPolicies.map((p) => p.policyTypes)).toEqual([["ingress", "egress"], ["ingress"]]);
  });
});
