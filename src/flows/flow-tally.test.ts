import { describe, expect, it } from "vitest";
import { FlowTally, endpointVariant, sameVariant, tallyClassOf } from "./flow-tally.js";
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

  it("counts every flow once when its variant caches start over", () => {
    // 70,000 world addresses make more variants than the tally caches (65,536): the caches
    // start over at the take, and the same addresses counted again get counts of their own.
    const resolver = new IdentityResolver();
    const t = new FlowTally();
    const world = reservedEndpoint("world", 2);
    const round = (): { flows: number; addresses: Set<string> } => {
      for (let i = 0; i < 70_000; i++) {
        const f = flow({ at: T0 + i, destination: world, ip: { source: "10.0.1.10", destination: `198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, sourceXlated: "", ipVersion: "IPv4", encrypted: false } });
        t.add(f, { source: resolver.resolve(f.source, "10.0.1.10", []), destination: resolver.resolve(f.destination, f.ip?.destination ?? "", []), protocol: "TCP", port: 8080 }, "forwarded");
      }
      const counts = t.take();
      return { flows: counts.reduce((n, c) => n + c.forwarded, 0), addresses: new Set(counts.map((c) => c.destinationVariant.ip)) };
    };
    const first = round();
    const second = round();
    expect([first.flows, first.addresses.size, second.flows, second.addresses.size]).toEqual([70_000, 70_000, 70_000, 70_000]);
  });

  it("compares variants part by part, as their texts would", () => {
    const a = endpointVariant({ labels: ["reserved:world"], namespace: "", identity: 0, ip: "203.0.113.5", dnsNames: ["api.example.com"] });
    const same = endpointVariant({ labels: ["reserved:world"], namespace: "", identity: 0, ip: "203.0.113.5", dnsNames: ["api.example.com"] });
    const others = [
      endpointVariant({ labels: ["reserved:world"], namespace: "", identity: 0, ip: "203.0.113.6", dnsNames: ["api.example.com"] }),
      endpointVariant({ labels: ["reserved:world"], namespace: "", identity: 0, ip: "203.0.113.5", dnsNames: [] }),
      endpointVariant({ labels: ["reserved:host"], namespace: "", identity: 0, ip: "203.0.113.5", dnsNames: ["api.example.com"] }),
      endpointVariant({ labels: [], namespace: "", identity: 2, ip: "203.0.113.5", dnsNames: ["api.example.com"] }),
    ];
    expect(sameVariant(a, same)).toBe(true);
    expect(a.text).toBe(same.text);
    expect(others.map((o) => [sameVariant(a, o), a.text === o.text])).toEqual(others.map(() => [false, false]));
  });

  it("empties on take", () => {
    const t = new FlowTally();
    expect(t.take()).toEqual([]);
    expect(t.size).toBe(0);
  });
});
