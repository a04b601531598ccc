/** Truth tables written from the Kubernetes NetworkPolicy concept page and API reference. */
import { describe, expect, it } from "vitest";
import { pod, scenario, world } from "../testdata/harness.js";

const db = pod("default", { role: "db" }, { podName: "db-0", ip: "10.1.0.10" });
const web = pod("default", { role: "frontend" }, { ip: "10.1.0.20" });
const prodWeb = pod("prod", { role: "frontend" }, { ip: "10.3.0.5" });

const policy = (spec: string, name = "t"): string => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: default}
spec:
${spec}`;

describe("selectors: empty versus missing", () => {
  it.each([
    ["podSelector omitted selects every pod of the namespace", "  policyTypes: [Ingress]", web, db, "denied"],
    ["podSelector {} selects every pod of the namespace", "  podSelector: {}\n  policyTypes: [Ingress]", web, db, "denied"],
    ["pods of other namespaces are never selected", "  podSelector: {}\n  policyTypes: [Ingress]", web, prodWeb, "not-isolated"],
    ["from [] allows every source", "  podSelector: {}\n  ingress: [{from: []}]", world("8.8.8.8"), db, "allowed"],
    ["ports [] allows every port", "  podSelector: {}\n  ingress: [{ports: [], from: [{podSelector: {}}]}]", web, db, "allowed"],
    ["ingress [] allows nothing", "  podSelector: {}\n  ingress: []\n  policyTypes: [Ingress]", web, db, "denied"],
    ["namespaceSelector {} + podSelector {} is every pod, not the world", "  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}, podSelector: {}}]}]", world("8.8.8.8"), db, "denied"],
    ["namespaceSelector {} + podSelector {} admits pods of any namespace", "  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}, podSelector: {}}]}]", prodWeb, db, "allowed"],
    ["policyTypes [Egress] leaves ingress alone even with ingress rules", "  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{from: [{podSelector: {matchLabels: {x: y}}}]}]", web, db, "not-isolated"],
  ])("%s", (_name, spec, src, dst, expected) => {
    expect(scenario(policy(spec))(src, dst, "5432/TCP").ingress.verdict).toBe(expected);
  });
});

describe("policies are a union", () => {
  const run = scenario(
    `${policy("  podSelector: {matchLabels: {role: db}}\n  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 80}]}]", "a")}\n---\n${policy(
      "  podSelector: {matchLabels: {role: db}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {env: prod}}}], ports: [{port: 443}]}]",
      "b",
    )}`,
  );
  it.each([
    [web, "80/TCP", "allowed"],
    [web, "443/TCP", "denied"],
    [prodWeb, "443/TCP", "allowed"],
    [prodWeb, "80/TCP", "denied"],
  ])("%j on %s -> %s", (src, port, expected) => {
    expect(run(src, db, port).ingress.verdict).toBe(expected);
  });
});

describe("ports: named ports resolve on the destination pod, protocols default to TCP", () => {
  const run = scenario(policy("  podSelector: {matchLabels: {role: db}}\n  ingress: [{ports: [{port: redis}, {port: metrics, protocol: UDP}]}]"));
  it.each([
    // The destination is known only by IP: the Pod object supplies its named ports.
    [{ labels: [], ip: "10.1.0.10" }, "6379/TCP", "allowed"],
    [{ labels: [], ip: "10.1.0.10" }, "9121/UDP", "allowed"],
    [{ labels: [], ip: "10.1.0.10" }, "9121/TCP", "denied"],
    [{ labels: [], ip: "10.1.0.10" }, "6379/UDP", "denied"],
  ])("%j on %s -> %s", (dst, port, expected) => {
    expect(run(web, dst, port).ingress.verdict).toBe(expected);
  });

  it.each([
    ["cilium", "denied", 1],
    ["upstream", "allowed", 0],
  ] as const)("%s: SCTP rules (missing in Cilium) are reported, not guessed -> %s", (semantics, verdict, reported) => {
    const e = scenario(policy("  podSelector: {matchLabels: {role: db}}\n  ingress: [{ports: [{port: 9000, protocol: SCTP}]}]"), semantics)(web, db, "9000/SCTP");
    expect(e.unsupported).toHaveLength(reported);
    expect(e.ingress.verdict).toBe(verdict);
  });
});

describe("ipBlock", () => {
  const run = (semantics: "cilium" | "upstream") =>
    scenario(policy("  podSelector: {matchLabels: {role: db}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]"), semantics);
  it.each([
    ["cilium", world("8.8.8.8"), "allowed"],
    ["upstream", world("8.8.8.8"), "allowed"],
    ["cilium", world("10.9.9.9"), "denied"],
    ["upstream", world("10.9.9.9"), "denied"],
    ["cilium", web, "denied"],
    ["upstream", web, "denied"],
    ["cilium", pod("x", {}, { ip: "172.16.0.1" }), "denied"],
    ["upstream", pod("x", {}, { ip: "172.16.0.1" }), "allowed"],
  ] as const)("%s: 0.0.0.0/0 except 10/8 to %j -> %s", (semantics, dst, expected) => {
    expect(run(semantics)(db, dst).egress.verdict).toBe(expected);
  });
});
