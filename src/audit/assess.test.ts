import { describe, expect, it } from "vitest";
import { assessEdges, connectionInput } from "./assess.js";
import { catalogRules } from "./rule-catalog.js";
import { ruleUsage } from "./rule-usage.js";
import { isolatingPolicies } from "./selection.js";
import { edge, graphOf, viewOf, wl } from "./testdata/observed.js";
import { unusedAllowsOf } from "./unused-allows.js";

const web = wl("shop", "web");
const api = wl("shop", "api");

// web may ping (ICMPv4 echo request) and send ICMPv6 echo requests; nothing else.
const PING = `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ping, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: api}}]
    icmps: [{fields: [{type: EchoRequest}, {type: EchoRequest, family: IPv6}]}]
`;

describe("connectionInput", () => {
  const view = viewOf("");
  it.each([
    ["TCP", 8080, { port: 8080 }],
    ["UDP", 53, { port: 53 }],
    ["ICMPv4", 8, { icmpType: 8 }],
    ["ICMPv6", 135, { icmpType: 135 }],
    ["OTHER", 0, {}],
  ])("a %s edge on %i carries %j", (protocol, port, expected) => {
    const input = connectionInput(view, web, api, protocol, port);
    expect({ port: input.port, icmpType: input.icmpType }).toEqual({ port: undefined, icmpType: undefined, ...expected });
  });
});

describe("ICMP edges against icmps rules", () => {
  const view = viewOf(PING);
  const edges = [edge(web, api, 8, { protocol: "ICMPv4" }), edge(web, api, 13, { protocol: "ICMPv4" }), edge(web, api, 80)];

  it("are allowed by the matching type only", () => {
    expect(assessEdges(graphOf(edges), view).map((a) => `${a.edge.protocol}/${a.edge.port} ${a.egress}`)).toEqual([
      "ICMPv4/8 allowed",
      "ICMPv4/13 denied",
      "TCP/80 denied",
    ]);
  });

  it("credit the ICMP field they used, so the unused one is reported", () => {
    const graph = graphOf(edges);
    const assessed = assessEdges(graph, view);
    const usage = ruleUsage(catalogRules(view.model), assessed, assessed);
    const findings = unusedAllowsOf(usage, isolatingPolicies(view, graph.identities.map((o) => o.identity)));
    expect(findings.map((f) => (f.kind === "unused-allow" ? `${f.evidence.scope} ${f.evidence.location.path} ${f.evidence.piece}` : f.kind))).toEqual([
      "port spec.egress[0].icmps[0].fields[1] ICMPv6/128",
    ]);
  });
});
