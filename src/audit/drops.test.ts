import { describe, expect, it } from "vitest";
import { assessEdges } from "./assess.js";
import { dropsOf } from "./drops.js";
import { edge, graphOf, viewOf, wl } from "./testdata/observed.js";

const web = wl("shop", "web");
const db = wl("shop", "db");
const DENY_DB = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-default-deny, namespace: shop}
spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress]}
`;

describe("policy and infrastructure drops", () => {
  it("separates policy drop reasons from datapath ones on the same edge and explains the policy part", () => {
    const graph = graphOf([
      edge(web, db, 5432, {
        connections: { DROPPED: 5, FORWARDED: 1 },
        dropReasons: { POLICY_DENIED: 3, AUTH_REQUIRED: 1, CT_MAP_INSERTION_FAILED: 1 },
        sides: [{ kind: "new", side: "ingress", verdict: "DROPPED", source: "drop", count: 5 }],
      }),
    ]);
    const drops = dropsOf(assessEdges(graph, viewOf(DENY_DB)));
    expect(drops.map((d) => [d.class, d.count, d.reasons, d.sides, d.passed, d.namespace])).toEqual([
      ["policy", 4, { AUTH_REQUIRED: 1, POLICY_DENIED: 3 }, ["ingress"], 1, "shop"],
      ["infrastructure", 1, { CT_MAP_INSERTION_FAILED: 1 }, ["ingress"], 1, "shop"],
    ]);
    expect(drops[0]?.explanation).toEqual(["ingress isolated by netpol/shop/db-default-deny with no matching allow rule"]);
  });

  it("says when the policies given do not explain a policy drop", () => {
    const graph = graphOf([edge(web, db, 5432, { connections: { DROPPED: 2 }, dropReasons: { POLICY_DENY: 2 } })]);
    const [drop] = dropsOf(assessEdges(graph, viewOf("")));
    expect(drop?.class).toBe("policy");
    expect(drop?.explanation[0]).toMatch(/^the policies given allow this connection/);
  });

  it("counts drops without a reason as infrastructure drops of unknown reason", () => {
    const graph = graphOf([edge(web, db, 5432, { connections: { DROPPED: 2 } })]);
    expect(dropsOf(assessEdges(graph, viewOf(""))).map((d) => [d.class, d.reasons])).toEqual([["infrastructure", { UNKNOWN: 2 }]]);
  });
});
