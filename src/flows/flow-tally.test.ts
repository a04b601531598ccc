import { describe, expect, it } from "vitest";
import { FlowTally, tallyClassOf } from "./flow-tally.js";
import { IdentityResolver } from "./identity-resolver.js";
import { flow, pod, reservedEndpoint } from "./testdata/flow-builder.js";
import type { FlowSpec } from "./testdata/flow-builder.js";

const T0 = 1_700_000_000_000;

function tally(specs: readonly FlowSpec[]) {
  const resolver = new IdentityResolver();
  const t = new FlowTally();
  for (const spec of specs) {
    const f = flow(spec);
    const klass = tallyClassOf(f);
    if (klass === undefined) continue;
    t.add(f, { source: resolver.resolve(f.source, f.ip?.source ?? "", f.sourceNames), destination: resolver.resolve(f.destination, f.ip?.destination ?? "", f.destinationNames), protocol: "TCP", port: 8080 }, klass);
  }
  return t.take();
}

describe("FlowTally", () => {
  it("counts flows per pair of end label sets, apart by class", () => {
    const v2 = pod("shop", "web", { extraLabels: ["k8s:version=v2"] });
    const counts = tally([
      { at: T0 }, { at: T0 + 1 }, { at: T0 + 2, verdict: "REDIRECTED" }, { at: T0 + 3, verdict: "DROPPED", dropReason: "POLICY_DENIED" },
      { at: T0 + 4, verdict: "AUDIT" }, { at: T0 + 5, source: v2 }, { at: T0 + 6, verdict: "ERROR" },
    ]);
    expect(counts.map((c) => [c.source.key, c.sourceVariant.labels.at(-1), c.forwarded, c.dropped, c.audited])).toEqual([
      ["shop/Deployment/web", "k8s:io.cilium.k8s.policy.serviceaccount=web", 3, 1, 1],
      ["shop/Deployment/web", "k8s:version=v2", 1, 0, 0],
    ]);
  });

  it("keeps the address and DNS names of ends that are not label-selected endpoints, not of pods", () => {
    const counts = tally([
      { at: T0, destination: reservedEndpoint("world", 2), destinationNames: ["api.example.com"], ip: { source: "10.0.1.10", destination: "203.0.113.5", sourceXlated: "", ipVersion: "IPv4", encrypted: false } },
      { at: T0 + 1, destination: reservedEndpoint("world", 2), destinationNames: [], ip: { source: "10.0.1.10", destination: "203.0.113.5", sourceXlated: "", ipVersion: "IPv4", encrypted: false } },
    ]);
    expect(counts.map((c) => [c.sourceVariant.ip, c.destinationVariant.ip, c.destinationVariant.dnsNames])).toEqual([
      ["", "203.0.113.5", ["api.example.com"]],
      ["", "203.0.113.5", []],
    ]);
  });

  it("empties on take", () => {
    const t = new FlowTally();
    expect(t.take()).toEqual([]);
    expect(t.size).toBe(0);
  });
});
