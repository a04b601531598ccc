import { describe, expect, it } from "vitest";
import { sideVerdictOf } from "./side-verdict.js";
import { flow } from "./testdata/flow-builder.js";

describe("sideVerdictOf", () => {
  it("shares one object between flows whose side verdict names no policy", () => {
    const a = sideVerdictOf(flow({ eventType: { type: 5, subType: 0 } }), "egress");
    const b = sideVerdictOf(flow({ at: 1_700_000_009_000, eventType: { type: 5, subType: 0 } }), "egress");
    expect(a).toEqual({ verdict: "FORWARDED", dropReason: undefined, source: "policy-verdict", policies: [] });
    expect(b).toBe(a);
  });

  it("names the policies of its side as kind/namespace/name, or kind/name when cluster-wide", () => {
    const ref = (name: string, namespace: string, kind: string) => ({ name, namespace, kind, labels: [], revision: "1" });
    const f = flow({
      eventType: { type: 5, subType: 0 },
      egressAllowedBy: [ref("allow-web", "shop", "CiliumNetworkPolicy")],
      egressDeniedBy: [ref("deny-all", "", "CiliumClusterwideNetworkPolicy")],
      ingressAllowedBy: [ref("other", "shop", "")],
    });
    expect(sideVerdictOf(f, "egress").policies).toEqual(["CiliumNetworkPolicy/shop/allow-web", "CiliumClusterwideNetworkPolicy/deny-all"]);
    expect(sideVerdictOf(f, "ingress").policies).toEqual(["policy/shop/other"]);
    expect(sideVerdictOf(f, "unknown").policies).toEqual([]);
  });
});
