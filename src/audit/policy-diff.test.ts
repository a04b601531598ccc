import { describe, expect, it } from "vitest";
import { diffPolicies, sideText } from "./policy-diff.js";
import type { PolicyDiff } from "./policy-diff.js";
import { policyDiffToJson, policyDiffToMarkdown, policyDiffToTable } from "./policy-diff-render.js";
import { edge, graphOf, viewOf, wl, worldAt } from "./testdata/observed.js";

const web = wl("shop", "web");
const api = wl("shop", "api");
const batch = wl("shop", "batch");
const db = wl("shop", "db");

const GRAPH = graphOf([
  edge(web, api, 8080),
  edge(web, api, 9090),
  edge(batch, api, 8080),
  edge(api, db, 5432),
  edge(api, worldAt("203.0.113.5"), 443),
  edge(web, db, 5432, { connections: { DROPPED: 3 } }),
]);

const OLD = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}, {port: 9090}]
  - from: [{podSelector: {matchLabels: {app: batch}}}]
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
`;

// Narrows web -> api to 8080, removes the batch peer, lets web reach db, and adds a deny of api -> db.
const NEW = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}, {podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-deny, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: api}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
`;

function diff(): PolicyDiff {
  return diffPolicies(GRAPH, viewOf(OLD), viewOf(NEW));
}

describe("policy diff", () => {
  it("lists the observed connections whose verdict changes: a narrowed port, a removed peer, an added deny, an added peer", () => {
    const d = diff();
    expect(d.compared).toBe(6);
    expect(d.changes.map((c) => `${c.from} -> ${c.to} ${c.protocol}/${c.port} ${c.change}`)).toEqual([
      "shop/Deployment/api -> shop/Deployment/db TCP/5432 allowed-to-denied",
      "shop/Deployment/batch -> shop/Deployment/api TCP/8080 allowed-to-denied",
      "shop/Deployment/web -> shop/Deployment/api TCP/9090 allowed-to-denied",
      "shop/Deployment/web -> shop/Deployment/db TCP/5432 denied-to-allowed",
    ]);
  });

  it("names the rules responsible on each side", () => {
    const [apiDb, batchApi, webApi, webDb] = diff().changes;
    expect(apiDb && sideText(apiDb.old)).toEqual(["egress not isolated", "ingress allowed by netpol/shop/db-ingress spec.ingress[0].from[0]"]);
    // Cilium: a matching deny rule takes precedence over the NetworkPolicy's allow.
    expect(apiDb && sideText(apiDb.new)).toEqual(["ingress denied by cnp/shop/db-deny spec.ingressDeny[0].fromEndpoints[0]"]);
    expect(apiDb?.new.ingress).toMatchObject({ verdict: "denied", rules: ["cnp/shop/db-deny spec.ingressDeny[0].fromEndpoints[0]"] });
    expect(batchApi && sideText(batchApi.old)).toEqual(["egress not isolated", "ingress allowed by netpol/shop/api-ingress spec.ingress[1].from[0]"]);
    expect(batchApi && sideText(batchApi.new)).toEqual(["ingress denied by default: isolated by netpol/shop/api-ingress, no rule allows it"]);
    expect(webApi && sideText(webApi.old)).toEqual(["egress not isolated", "ingress allowed by netpol/shop/api-ingress spec.ingress[0].from[0]"]);
    expect(webApi && sideText(webApi.new)).toEqual(["ingress denied by default: isolated by netpol/shop/api-ingress, no rule allows it"]);
    expect(webDb && sideText(webDb.old)).toEqual(["ingress denied by default: isolated by netpol/shop/db-ingress, no rule allows it"]);
    expect(webDb && sideText(webDb.new)).toEqual(["egress not isolated", "ingress allowed by netpol/shop/db-ingress spec.ingress[0].from[1]"]);
  });

  it("the same policy set on both sides changes nothing", () => {
    expect(diffPolicies(GRAPH, viewOf(OLD), viewOf(OLD)).changes).toEqual([]);
  });

  it("renders a table, JSON and a Markdown comment", () => {
    const sources = { old: "main/policies", new: "pr/policies" };
    const d = diff();
    const table = policyDiffToTable(d, sources);
    expect(table.split("\n").slice(0, 4)).toEqual([
      "over observed traffic from 2026-03-01T00:00:00.000Z to 2026-03-02T00:00:00.000Z",
      "old: main/policies",
      "new: pr/policies",
      expect.stringMatching(/^CHANGE +FROM +TO +PORT +OLD +NEW$/),
    ]);
    expect(table).toMatch(/^allowed -> denied +shop\/Deployment\/batch +shop\/Deployment\/api +TCP\/8080 +egress not isolated +ingress denied by default: isolated by netpol\/shop\/api-ingress, no rule allows it$/m);
    expect(table).toMatch(/^ +ingress allowed by netpol\/shop\/api-ingress spec.ingress\[1\].from\[0\]$/m);
    expect(table.trimEnd().split("\n").at(-1)).toBe("4 of 6 observed connections change: 3 allowed -> denied, 1 denied -> allowed");

    const json = JSON.parse(policyDiffToJson(d, sources)) as { old: string; window: { since: string }; changes: { change: string; new: { verdict: string } }[] };
    expect(json.old).toBe("main/policies");
    expect(json.window.since).toBe("2026-03-01T00:00:00.000Z");
    expect(json.changes.map((c) => [c.change, c.new.verdict])).toEqual([
      ["allowed-to-denied", "denied"], ["allowed-to-denied", "denied"], ["allowed-to-denied", "denied"], ["denied-to-allowed", "allowed"],
    ]);

    const md = policyDiffToMarkdown(d, sources);
    expect(md).toContain("#### Allowed → denied (the change would break these): 3\n\n| From | To | Port | Old | New |\n| --- | --- | --- | --- | --- |\n");
    expect(md).toContain(
      "| `shop/Deployment/web` | `shop/Deployment/db` | TCP/5432 | ingress denied by default: isolated by netpol/shop/db-ingress, no rule allows it | egress not isolated<br>ingress allowed by netpol/shop/db-ingress spec.ingress[0].from[1] |",
    );
    expect(md).toContain("#### Denied → allowed (the change would open these): 1");
  });

  it("Markdown cells escape pipes so a name cannot break the table", () => {
    const md = policyDiffToMarkdown(diffPolicies(graphOf([edge(wl("a|b", "x"), wl("a|b", "y"), 80)]), viewOf(""), viewOf(`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-all}
spec: {endpointSelector: {}, ingress: [{}]}
`)), { old: "a", new: "b" });
    expect(md).toContain("| `a\\|b/Deployment/x` | `a\\|b/Deployment/y` | TCP/80 |");
    expect(md).toContain("ingress denied by default: isolated by ccnp/deny-all, no rule allows it |");
  });
});
