import { describe, expect, it } from "vitest";
import { yamlDocuments } from "../testdata/example-policies.js";
import { parsePolicyDocuments } from "./parse-documents.js";
import { withInventory } from "./with-inventory.js";

const CLUSTER = parsePolicyDocuments(yamlDocuments(`
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: a}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: ops}}
- {apiVersion: v1, kind: Pod, metadata: {name: api, namespace: shop}, spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}}
`));

describe("withInventory", () => {
  it("adds the Namespaces and Pods the set does not name, and keeps its own", () => {
    const own = parsePolicyDocuments(yamlDocuments("{apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: b}}}"));
    const merged = withInventory(own, CLUSTER);
    expect(merged.namespaces.map((n) => [n.name, n.labels])).toEqual([["shop", [["team", "b"]]], ["ops", []]]);
    expect(merged.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(["shop/api"]);
    expect(merged.networkPolicies).toBe(own.networkPolicies);
  });
});
