import { describe, expect, it } from "vitest";
import { docs } from "../testdata/problem-docs.js";
import { parsePolicyDocuments } from "./parse-documents.js";

// Object names an API server would refuse (ValidateObjectMeta): the object is refused with
// a problem naming the field, and the valid object beside it is kept.
const VALID = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: good, namespace: prod}\nspec: {podSelector: {}}\n";

function object(kind: string, apiVersion: string, metadata: string): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: ${metadata}\nspec: {podSelector: {}, endpointSelector: {}}\n`;
}

const CASES: readonly (readonly [string, string, string, RegExp])[] = [
  ["a namespace ../..", object("NetworkPolicy", "networking.k8s.io/v1", '{name: x, namespace: "../.."}'), "metadata.namespace", /^"\.\.\/\.\." is not a valid namespace name \(DNS-1123 label/],
  ["a namespace in upper case", object("CiliumNetworkPolicy", "cilium.io/v2", "{name: x, namespace: Prod}"), "metadata.namespace", /^"Prod" is not a valid namespace name/],
  ["a namespace with a newline", object("NetworkPolicy", "networking.k8s.io/v1", '{name: x, namespace: "a\\nb"}'), "metadata.namespace", /^"a\\nb" is not a valid namespace name/],
  ["a policy name with a slash", object("NetworkPolicy", "networking.k8s.io/v1", '{name: "a/b", namespace: prod}'), "metadata.name", /^"a\/b" is not a valid NetworkPolicy name \(DNS-1123 subdomain/],
  ["a clusterwide policy name in upper case", object("CiliumClusterwideNetworkPolicy", "cilium.io/v2", "{name: Everything}"), "metadata.name", /^"Everything" is not a valid CiliumClusterwideNetworkPolicy name/],
  ["a Namespace name with a dot", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n", "metadata.name", /^"a\.b" is not a valid Namespace name \(DNS-1123 label/],
];

describe("policy objects whose names break Kubernetes' rules", () => {
  it.each(CASES)("refuses %s", (_what, text, path, message) => {
    const result = parsePolicyDocuments(docs(`${text}---\n${VALID}`));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe(path);
    expect(result.problems[0]?.message).toMatch(message);
    expect(result.problems[0]?.origin).toEqual({ source: "file", file: "p.yaml", documentIndex: 0 });
    expect(result.networkPolicies.map((p) => p.id.name)).toEqual(["good"]);
    expect(result.ciliumPolicies).toEqual([]);
    expect(result.namespaces).toEqual([]);
  });

  it("keeps names that are valid: dots in a policy name, a namespace of 63 characters", () => {
    const result = parsePolicyDocuments(docs(object("NetworkPolicy", "networking.k8s.io/v1", `{name: allow.dns-v2, namespace: ${"n".repeat(63)}}`)));
    expect(result.problems).toEqual([]);
    expect(result.networkPolicies.map((p) => [p.id.namespace, p.id.name])).toEqual([["n".repeat(63), "allow.dns-v2"]]);
  });
});
