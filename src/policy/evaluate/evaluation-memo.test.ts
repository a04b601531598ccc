import { describe, expect, it } from "vitest";
import { compilePolicyModel } from "../compile/compile-model.js";
import { parsePolicyDocuments } from "../parse/parse-documents.js";
import { EXAMPLE_INVENTORY, yamlDocuments } from "../testdata/example-policies.js";
import { pod, world } from "../testdata/harness.js";
import type { ConnectionInput } from "./endpoint.js";
import { createPolicyEvaluator } from "./evaluator.js";

const POLICIES = `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: mixed, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: db}}
  egress:
  - toCIDRSet: [{cidr: 8.8.0.0/16, except: [8.8.4.0/24]}]
  - toFQDNs: [{matchName: api.example.com}]
  ingress:
  - toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{ports: [{port: redis}]}]
`;

const model = compilePolicyModel(parsePolicyDocuments([...yamlDocuments(EXAMPLE_INVENTORY, "inv.yaml"), ...yamlDocuments(POLICIES)]));
const db = (extra = {}) => pod("default", { role: "db" }, { podName: "db-0", ...extra });
const web = pod("default", { role: "frontend" }, { podName: "web-0" });

const INPUTS: ConnectionInput[] = [
  { source: db(), destination: world("8.8.8.8"), protocol: "TCP", port: 443 },
  { source: db(), destination: world("8.8.4.4"), protocol: "TCP", port: 443 },
  { source: db(), destination: world("9.9.9.9", ["api.example.com"]), protocol: "TCP", port: 443 },
  { source: db(), destination: world("9.9.9.9", ["other.example.com"]), protocol: "TCP", port: 443 },
  { source: web, destination: db(), protocol: "TCP", port: 6379 },
  { source: web, destination: pod("default", { role: "db" }, { podName: "db-1" }), protocol: "TCP", port: 6379 },
  { source: web, destination: db({ namedPorts: [{ name: "redis", port: 7000, protocol: "TCP" }] }), protocol: "TCP", port: 7000 },
  { source: web, destination: db(), protocol: "TCP", port: 80, l7: { kind: "http", method: "GET", path: "/", host: "db", headers: [] } },
  { source: web, destination: db(), protocol: "TCP", port: 80, l7: { kind: "http", method: "POST", path: "/", host: "db", headers: [] } },
  { source: web, destination: db(), protocol: "TCP", port: 80 },
  { source: db(), destination: db(), protocol: "TCP", port: 5 },
];

describe("evaluation memo", () => {
  it("gives the same evaluation as a fresh evaluator, whatever came before", () => {
    for (const semantics of ["cilium", "upstream"] as const) {
      const shared = createPolicyEvaluator(model, { semantics });
      const rounds = [...INPUTS, ...INPUTS.slice().reverse(), ...INPUTS];
      for (const input of rounds) {
        expect(shared.evaluate(input)).toEqual(createPolicyEvaluator(model, { semantics }).evaluate(input));
      }
    }
  });

  it("an identity number never stands in for different labels", () => {
    const evaluator = createPolicyEvaluator(model);
    const asDb = { ...db(), identity: 4242 };
    const asWeb = { ...web, identity: 4242 };
    expect(evaluator.evaluate({ source: web, destination: asDb, protocol: "TCP", port: 1 }).ingress.verdict).toBe("denied");
    expect(evaluator.evaluate({ source: web, destination: asWeb, protocol: "TCP", port: 1 }).ingress.verdict).toBe("not-isolated");
  });
});
