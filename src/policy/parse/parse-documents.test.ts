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

describe("parsePolicyDocuments", () => {
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

  it("bounds huge documents and keeps the others", () => {
    const huge = { apiVersion: "v1", kind: "Namespace", metadata: { name: "huge", labels: Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, "v"])) } };
    const small = { apiVersion: "v1", kind: "Namespace", metadata: { name: "small" } };
    const result = parsePolicyDocuments([
      { origin: { source: "file", file: "big.json", documentIndex: 0 }, object: huge },
      { origin: { source: "file", file: "big.json", documentIndex: 1 }, object: small },
    ]);
    expect(result.problems).toEqual([
      { origin: { source: "file", file: "big.json", documentIndex: 0 }, path: "", message: "document has more than 200000 values" },
    ]);
    expect(result.namespaces.map((n) => n.name)).toEqual(["small"]);
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
