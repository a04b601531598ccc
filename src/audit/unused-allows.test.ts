import { describe, expect, it } from "vitest";
import { assessEdges } from "./assess.js";
import { catalogRules } from "./rule-catalog.js";
import { ruleUsage } from "./rule-usage.js";
import { isolatingPolicies } from "./selection.js";
import { DAY, T0, edge, graphOf, viewOf, wl } from "./testdata/observed.js";
import type { TestEdge } from "./testdata/observed.js";
import { unusedAllowsOf } from "./unused-allows.js";

const web = wl("shop", "web");
const admin = wl("shop", "admin");
const api = wl("shop", "api");
const prometheus = wl("monitoring", "prometheus");

// Known usage: ingress[0] is used from web on 8080 only (its admin peer and port 9090 are
// not); ingress[1] was used by prometheus two days before the window; egress rule
// ingress-less `ghost` selects nothing observed.
const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}, {podSelector: {matchLabels: {app: admin}}}]
    ports: [{port: 8080}, {port: 9090}]
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
    ports: [{port: 9100}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ghost, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: ghost}}
  egress: [{toEndpoints: [{matchLabels: {app: api}}]}]
`;

function unused(windowEdges: readonly TestEdge[], historyEdges: readonly TestEdge[]): string[] {
  const view = viewOf(POLICIES);
  const window = graphOf(windowEdges);
  const history = graphOf([...windowEdges, ...historyEdges], { sinceMs: 0, untilMs: T0 + DAY });
  const usage = ruleUsage(catalogRules(view.model), assessEdges(window, view), assessEdges(history, view));
  const isolating = isolatingPolicies(view, history.identities.map((o) => o.identity));
  return unusedAllowsOf(usage, isolating).map((f) =>
    f.kind === "unused-allow"
      ? `${f.evidence.scope} ${f.evidence.location.path} ${f.evidence.piece} ${f.evidence.lastMatchedMs === undefined ? "never" : new Date(f.evidence.lastMatchedMs).toISOString()}`
      : `${f.kind} ${f.evidence.policy} ${f.evidence.direction} ${f.evidence.rules}`,
  );
}

describe("unused allows", () => {
  it("finds unused peers and ports of used rules, unused rules with their last match, and policies selecting nothing", () => {
    const old = edge(prometheus, api, 9100, { firstMs: T0 - 2 * DAY, lastMs: T0 - 2 * DAY + 60_000 });
    expect(unused([edge(web, api, 8080)], [old])).toEqual([
      "peer spec.ingress[0].from[1] selector k8s:app=admin, k8s:io.kubernetes.pod.namespace=shop never",
      "port spec.ingress[0].ports[1] TCP/9090 never",
      `rule spec.ingress[1]  ${new Date(T0 - 2 * DAY + 60_000).toISOString()}`,
      "unselected-policy cnp/shop/ghost egress 1",
    ]);
  });

  it("counts a rule as used when any used connection matched it, and not when its traffic was all dropped", () => {
    const list = unused(
      [edge(web, api, 8080), edge(admin, api, 9090), edge(prometheus, api, 9100, { connections: { DROPPED: 1 } })],
      [],
    );
    expect(list).toEqual(["rule spec.ingress[1]  never", "unselected-policy cnp/shop/ghost egress 1"]);
  });
});
