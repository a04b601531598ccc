import { describe, expect, it } from "vitest";
import { docs, np, type ProblemCase } from "../testdata/problem-docs.js";
import { NETWORK_POLICY_IGNORED } from "./parse-network-policy.js";
import { parsePolicyDocuments } from "./parse-documents.js";

const rule = (path: string): string => `rule ${path} ignored: the policy allows less than written`;

const CASES: readonly ProblemCase[] = [
  ["unknown operator", np(`  podSelector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}`), "spec.podSelector.matchExpressions[0].operator", 'unknown operator "Equals" (want In, NotIn, Exists or DoesNotExist)', NETWORK_POLICY_IGNORED],
  ["In without values", np(`  podSelector: {matchExpressions: [{key: app, operator: In}]}`), "spec.podSelector.matchExpressions[0].values", "operator In needs at least one value", NETWORK_POLICY_IGNORED],
  ["Exists with values", np(`  podSelector: {}\n  ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}}]}]`), "spec.ingress[0].from[0].podSelector.matchExpressions[0].values", "operator Exists takes no values", rule("spec.ingress[0]")],
  ["namespaceSelector with a bad label value", np(`  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: [a]}}}]}]`), "spec.ingress[0].from[0].namespaceSelector.matchLabels.team", "label value must be a string", rule("spec.ingress[0]")],
  ["namespaceSelector with a bad expression", np(`  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: team, operator: Like, values: [a]}]}, podSelector: {}}]}]`), "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].operator", 'unknown operator "Like" (want In, NotIn, Exists or DoesNotExist)', rule("spec.ingress[0]")],
  ["bad CIDR", np(`  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]`), "spec.ingress[0].from[0].ipBlock.cidr", '"10.0.0.0/33" is not a valid CIDR', rule("spec.ingress[0]")],
  ["except outside cidr", np(`  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]`), "spec.ingress[0].from[0].ipBlock.except[0]", "11.0.0.0/16 is not a strict subset of 10.0.0.0/8", rule("spec.ingress[0]")],
  ["except equal to cidr", np(`  podSelector: {}\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]`), "spec.egress[0].to[0].ipBlock.except[0]", "10.0.0.0/8 is not a strict subset of 10.0.0.0/8", rule("spec.egress[0]")],
  ["port out of range", np(`  podSelector: {}\n  ingress: [{}, {}, {ports: [{port: 70000}]}]`), "spec.ingress[2].ports[0].port", "port 70000 is out of range 1-65535", rule("spec.ingress[2]")],
  ["port zero", np(`  podSelector: {}\n  ingress: [{ports: [{port: 0}]}]`), "spec.ingress[0].ports[0].port", "port 0 is out of range 1-65535", rule("spec.ingress[0]")],
  ["endPort below port", np(`  podSelector: {}\n  ingress: [{}, {}, {ports: [{port: 8080, endPort: 80}]}]`), "spec.ingress[2].ports[0].endPort", "endPort 80 is less than port 8080", rule("spec.ingress[2]")],
  ["endPort with named port", np(`  podSelector: {}\n  egress: [{ports: [{port: http, endPort: 90}]}]`), "spec.egress[0].ports[0].endPort", "endPort needs a numeric port", rule("spec.egress[0]")],
  ["bad port name", np(`  podSelector: {}\n  ingress: [{ports: [{port: Http_Port}]}]`), "spec.ingress[0].ports[0].port", '"Http_Port" is neither a port number nor a valid port name', rule("spec.ingress[0]")],
  ["ipBlock with a selector", np(`  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, namespaceSelector: {}}]}]`), "spec.ingress[0].from[0]", "ipBlock may not be combined with podSelector or namespaceSelector", rule("spec.ingress[0]")],
  ["empty peer", np(`  podSelector: {}\n  ingress: [{from: [{}]}]`), "spec.ingress[0].from[0]", "peer must set podSelector, namespaceSelector or ipBlock", rule("spec.ingress[0]")],
  ["bad protocol", np(`  podSelector: {}\n  ingress: [{ports: [{protocol: ICMP}]}]`), "spec.ingress[0].ports[0].protocol", 'unsupported protocol "ICMP" (want TCP, UDP or SCTP)', rule("spec.ingress[0]")],
  ["bad policy type", np(`  podSelector: {}\n  policyTypes: [Ingress, Both]`), "spec.policyTypes[1]", 'unknown policy type "Both" (want Ingress or Egress)', "entry ignored"],
  ["no spec", np("").replace("spec:\n", ""), "spec", "spec is required", NETWORK_POLICY_IGNORED],
];

describe("bad NetworkPolicies: each problem names file, document, object, field and effect", () => {
  it.each(CASES)("%s", (_name, text, path, message, effect) => {
    const result = parsePolicyDocuments(docs(`{apiVersion: v1, kind: Namespace, metadata: {name: first}}\n---\n${text}`));
    expect(result.problems).toContainEqual({
      origin: { source: "file", file: "p.yaml", documentIndex: 1 },
      kind: "NetworkPolicy",
      namespace: "prod",
      name: "bad",
      path,
      message,
      ...(effect === undefined ? {} : { effect }),
    });
    expect(result.namespaces).toHaveLength(1);
  });

  it("a dropped rule leaves the policy in place, so its pods stay isolated", () => {
    const result = parsePolicyDocuments(docs(np(`  podSelector: {}\n  egress: [{ports: [{port: 0}]}]`)));
    expect(result.networkPolicies[0]).toMatchObject({ policyTypes: ["ingress", "egress"], egress: [] });
  });
});
