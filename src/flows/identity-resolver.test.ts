import { describe, expect, it } from "vitest";
import { IdentityResolver } from "./identity-resolver.js";
import { pod, reservedEndpoint } from "./testdata/flow-builder.js";

describe("IdentityResolver", () => {
  it("gives all pods of one Deployment the same workload identity", () => {
    const resolver = new IdentityResolver();
    const a = resolver.resolve(pod("shop", "api", { suffix: "x2k4q" }), "10.0.0.1", []);
    const b = resolver.resolve(pod("shop", "api", { suffix: "z9v8w" }), "10.0.0.2", []);
    expect(a.key).toBe("shop/Deployment/api");
    expect(b.key).toBe(a.key);
    expect(a).toMatchObject({ kind: "workload", namespace: "shop", workloadKind: "Deployment", name: "api", serviceAccount: "api", namespaceLabels: { "kubernetes.io/metadata.name": "shop" }, labels: { app: "api" } });
  });

  it("drops hash labels from the identity's labels but keeps the full set for policy evaluation", () => {
    const ep = pod("shop", "api", { extraLabels: ["k8s:pod-template-hash=7d9c8b5f6d"] });
    const id = new IdentityResolver().resolve(ep, "10.0.0.1", []);
    expect(id.kind === "workload" && id.labels).toEqual({ app: "api" });
    expect(id.ciliumLabels).toContain("k8s:pod-template-hash=7d9c8b5f6d");
  });

  it.each([
    ["world", 2, "world:203.0.113.9"],
    ["host", 1, "reserved:host"],
    ["remote-node", 6, "reserved:remote-node"],
    ["kube-apiserver", 7, "reserved:kube-apiserver"],
    ["health", 4, "reserved:health"],
    ["ingress", 8, "reserved:ingress"],
  ])("resolves reserved:%s", (entity, number, key) => {
    const id = new IdentityResolver().resolve(reservedEndpoint(entity, number), "203.0.113.9", ["api.example.com."]);
    expect(id).toMatchObject({ kind: "reserved", entity, key });
  });

  it("names the API server on a node kube-apiserver, not host", () => {
    const ep = { ...reservedEndpoint("host", 1), labels: ["reserved:host", "reserved:kube-apiserver"] };
    expect(new IdentityResolver().resolve(ep, "172.18.0.2", [])).toMatchObject({ entity: "kube-apiserver" });
  });

  it("keeps a world peer's address and DNS names", () => {
    const id = new IdentityResolver().resolve(reservedEndpoint("world", 2), "198.51.100.7", ["api.stripe.com."]);
    expect(id).toMatchObject({ ip: "198.51.100.7", dnsNames: ["api.stripe.com."] });
  });

  it("uses the number-only reserved identity when no label says it", () => {
    const ep = { id: 0, identity: 7, clusterName: "", namespace: "", labels: [], podName: "", workloads: [] };
    expect(new IdentityResolver().resolve(ep, "10.96.0.1", [])).toMatchObject({ entity: "kube-apiserver" });
  });

  it("resolves the L7 proxy's upstream leg (labels, no pod name) to the pod's workload", () => {
    const resolver = new IdentityResolver();
    const real = resolver.resolve(pod("shop", "web", { identity: 4242 }), "10.0.0.5", []);
    const proxyLeg = resolver.resolve({ ...pod("shop", "web", { identity: 4242 }), podName: "", id: 0 }, "10.0.0.1", []);
    expect(proxyLeg).toBe(real);
  });

  it("names a pod-less identity after its app label only when that is a valid workload name", () => {
    const leg = (app: string, identity: number) => ({ ...pod("shop", "x", { identity, extraLabels: [] }), labels: [`k8s:app=${app}`, "k8s:io.kubernetes.pod.namespace=shop"], podName: "", id: 0 });
    const resolver = new IdentityResolver();
    expect(resolver.resolve(leg("cart", 501), "10.0.0.1", [])).toMatchObject({ workloadKind: "Identity", name: "cart" });
    expect(resolver.resolve(leg("My_Cart", 502), "10.0.0.2", [])).toMatchObject({ workloadKind: "Identity", name: "identity-502" });
  });

  it("keeps a pod whose security identity is world a world peer, naming the pod", () => {
    const resolver = new IdentityResolver();
    resolver.resolve(pod("shop", "api"), "10.0.0.7", []);
    const worldPod = resolver.resolve({ ...reservedEndpoint("world", 2), namespace: "shop", podName: "legacy-0" }, "10.0.0.9", []);
    expect(worldPod).toEqual({ kind: "reserved", key: "world:10.0.0.9", entity: "world", ip: "10.0.0.9", dnsNames: [], ciliumLabels: ["reserved:world"], pod: "shop/legacy-0" });
  });

  it("calls an endpoint without anything known unknown, per address", () => {
    expect(new IdentityResolver().resolve(undefined, "10.9.9.9", [])).toMatchObject({ kind: "reserved", entity: "unknown", key: "unknown:10.9.9.9" });
  });

  it("gives pods of one workload with equal labels one shared identity object", () => {
    const resolver = new IdentityResolver();
    const a = resolver.resolve(pod("shop", "api", { suffix: "x2k4q" }), "10.0.0.1", []);
    const b = resolver.resolve(pod("shop", "api", { suffix: "z9v8w" }), "10.0.0.2", []);
    expect(b).toBe(a);
    const relabelled = resolver.resolve(pod("shop", "api", { suffix: "q7n2m", extraLabels: ["k8s:tier=gold"] }), "10.0.0.3", []);
    expect(relabelled).not.toBe(a);
    expect(relabelled.key).toBe(a.key);
    expect(relabelled.ciliumLabels).toContain("k8s:tier=gold");
  });

  it("stays within its bound, counts what it forgets, and resolves evicted pods identically", () => {
    const pods = Array.from({ length: 50 }, (_, i) => pod(`ns-${i % 7}`, `app-${i}`, { identity: 5000 + i }));
    const small = new IdentityResolver({ maxCached: 8 });
    const large = new IdentityResolver();
    for (let round = 0; round < 3; round++) {
      for (const [i, ep] of pods.entries()) {
        // A fresh object each time, as after a decoder's cache restarts: the per-pod cache answers.
        const copy = { ...ep, labels: [...ep.labels] };
        expect(small.resolve(copy, `10.1.0.${i}`, [])).toEqual(large.resolve(copy, `10.1.0.${i}`, []));
        // The pod-less proxy leg finds its workload through the per-identity-number cache.
        const proxyLeg = { ...copy, podName: "", id: 0 };
        expect(small.resolve(proxyLeg, "10.1.9.9", [])).toEqual(large.resolve(proxyLeg, "10.1.9.9", []));
      }
    }
    // Five caches: per pod, per security identity number, per pod for misreported peers, per workload, per namespace.
    expect(small.stats.cached).toBeLessThanOrEqual(5 * 8);
    expect(small.stats.evictions).toBeGreaterThan(0);
    expect(large.stats.evictions).toBe(0);
  });
});
