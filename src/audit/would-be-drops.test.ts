import { describe, expect, it } from "vitest";
import { edge, graphOf, viewOf, wl, worldAt } from "./testdata/observed.js";
import { findWouldBeDrops } from "./would-be-drops.js";

const web = wl("shop", "web");
const api = wl("shop", "api");
const openWeb = wl("open", "web");
const openApi = wl("open", "api");

const SHOP_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
`;

function summary(drops: ReturnType<typeof findWouldBeDrops>): string[] {
  return drops.flatMap((d) => d.edges.map((e) => `${d.subject} ${d.direction} ${e.peer} ${e.protocol}/${e.port} ${e.causes.join("+")} ${e.connections}`));
}

describe("would-be drops", () => {
  it("in a namespace without policies, both ends of every connection would drop it", () => {
    const graph = graphOf([edge(openWeb, openApi, 8080)]);
    expect(summary(findWouldBeDrops(graph, viewOf("")))).toEqual([
      "open/Deployment/api ingress open/Deployment/web TCP/8080 not-isolated 10",
      "open/Deployment/web egress open/Deployment/api TCP/8080 not-isolated 10",
    ]);
  });

  it("in a namespace with an ingress policy, only the unrestricted egress remains", () => {
    const graph = graphOf([edge(web, api, 8080), edge(openWeb, openApi, 8080)]);
    const drops = findWouldBeDrops(graph, viewOf(SHOP_POLICY));
    expect(summary(drops).filter((s) => s.startsWith("shop/"))).toEqual(["shop/Deployment/web egress shop/Deployment/api TCP/8080 not-isolated 10"]);
    expect(drops.map((d) => d.namespace)).toEqual(["open", "open", "shop"]);
  });

  it("reports connections the given policies deny although they were observed, naming the isolating policy", () => {
    const graph = graphOf([edge(web, api, 9090)]);
    const drops = findWouldBeDrops(graph, viewOf(SHOP_POLICY));
    const ingress = drops.find((d) => d.direction === "ingress");
    expect(ingress?.edges[0]?.causes).toEqual(["denied"]);
    expect(ingress?.edges[0]?.deniedBy).toEqual(["isolated by netpol/shop/api-ingress"]);
  });

  it("reports AUDIT verdicts as would-be drops from Hubble, on the side Hubble named", () => {
    const audited = edge(web, api, 8080, {
      connections: { AUDIT: 4 },
      sides: [{ kind: "new", side: "ingress", verdict: "AUDIT", source: "policy-verdict", count: 4 }],
    });
    const drops = findWouldBeDrops(graphOf([audited]), viewOf(SHOP_POLICY));
    const ingress = drops.find((d) => d.direction === "ingress");
    expect(ingress).toMatchObject({ subject: api.key, audited: 4, connections: 4 });
    expect(ingress?.edges[0]?.causes).toEqual(["audit-verdict"]);
    expect(findWouldBeDrops(graphOf([audited]), viewOf(SHOP_POLICY), { auditVerdicts: "ignore" }).map((d) => d.direction)).toEqual(["egress"]);
  });

  it("ignores edges whose traffic was all dropped, and counts edges seen only as existing connections", () => {
    const graph = graphOf([
      edge(openWeb, openApi, 8080, { connections: { DROPPED: 3 }, dropReasons: { POLICY_DENIED: 3 } }),
      edge(openWeb, openApi, 9000, { connections: {}, existing: 2 }),
    ]);
    expect(summary(findWouldBeDrops(graph, viewOf("")))).toEqual([
      "open/Deployment/api ingress open/Deployment/web TCP/9000 not-isolated 0",
      "open/Deployment/web egress open/Deployment/api TCP/9000 not-isolated 0",
    ]);
  });

  it("never reports sides policy does not apply to (world) and keeps first and last seen", () => {
    const graph = graphOf([edge(web, worldAt("203.0.113.10", ["api.stripe.com"]), 443, { firstMs: 5, lastMs: 99 })]);
    const drops = findWouldBeDrops(graph, viewOf(""));
    expect(drops.map((d) => [d.subject, d.direction, d.firstSeenMs, d.lastSeenMs])).toEqual([[web.key, "egress", 5, 99]]);
  });
});
