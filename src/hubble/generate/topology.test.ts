import { describe, expect, it } from "vitest";
import { buildApp } from "./app-spec.js";
import { Random } from "./prng.js";
import { buildTopology } from "./topology.js";

const app = buildApp(200, new Random(1));
const topology = buildTopology(app, { clusterName: "default", nodes: 3 }, new Random(2));
const pods = [...topology.workloads.values()].flatMap((w) => w.pods.map((p) => ({ w, p })));

describe("buildTopology", () => {
  it("names pods the way their controllers do", () => {
    const name = (ns: string, wl: string): string[] =>
      (topology.workloads.get(`${ns}/${wl}`)?.pods ?? []).map((p) => p.local.pod_name ?? "");
    expect(name("shop", "api")).toEqual(expect.arrayContaining([expect.stringMatching(/^api-[a-z0-9]{10}-[a-z0-9]{5}$/)]));
    expect(name("shop", "postgres")).toEqual(["postgres-0", "postgres-1"]);
    expect(name("shop", "db-backup")[0]).toMatch(/^db-backup-\d{8}-[a-z0-9]{5}$/);
    expect(name("logging", "fluent-bit")).toHaveLength(topology.nodes.length);
  });

  it("gives pods Cilium's identity labels, sorted, and their owning workload", () => {
    const api = topology.workloads.get("shop/api")?.pods[0]?.local;
    expect(api?.labels).toEqual(expect.arrayContaining([
      "k8s:app.kubernetes.io/name=api",
      "k8s:io.kubernetes.pod.namespace=shop",
      "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
      "k8s:io.cilium.k8s.policy.serviceaccount=api",
      "k8s:io.cilium.k8s.policy.cluster=default",
    ]));
    expect(api?.labels).toEqual([...(api?.labels ?? [])].sort());
    expect(api?.workloads).toEqual([{ name: "api", kind: "Deployment" }]);
  });

  it("keeps one identity per workload and distinct identities across workloads", () => {
    const byWorkload = new Map<string, Set<number>>();
    for (const { w, p } of pods) {
      if (w.spec.kind === "CronJob") continue; // each job run has its own job-name label
      const key = `${w.spec.namespace}/${w.spec.name}`;
      byWorkload.set(key, (byWorkload.get(key) ?? new Set()).add(p.local.identity ?? 0));
    }
    const ids = [...byWorkload.values()].map((s) => [...s]);
    expect(ids.every((s) => s.length === 1)).toBe(true);
    expect(new Set(ids.flat()).size).toBe(ids.length);
    expect(Math.min(...ids.flat())).toBeGreaterThanOrEqual(256);
  });

  it("hands out unique pod IPs from each node's CIDR and unique endpoint IDs per node", () => {
    expect(new Set(pods.map(({ p }) => p.ip)).size).toBe(pods.length);
    for (const { p } of pods) expect(p.ip.startsWith(`${p.node?.podPrefix ?? "?"}.`)).toBe(true);
    const perNode = new Map<string, Set<number>>();
    for (const { p } of pods) {
      const ids = perNode.get(p.node?.name ?? "") ?? new Set();
      expect(ids.has(p.local.ID ?? 0)).toBe(false);
      perNode.set(p.node?.name ?? "", ids.add(p.local.ID ?? 0));
      expect(p.remote.ID).toBeUndefined();
    }
  });

  it("uses Cilium's reserved identities for node, world and API server peers", () => {
    const node = topology.nodes[0];
    expect(node?.host.local).toEqual({ identity: 1, labels: ["reserved:host"] });
    expect(node?.remoteNode.remote).toEqual({ identity: 6, labels: ["reserved:remote-node"] });
    expect(node?.health.remote).toEqual({ identity: 4, labels: ["reserved:health"] });
    expect(topology.apiserver.remote).toEqual({ identity: 7, labels: ["reserved:kube-apiserver"] });
    expect(topology.world.get("api.stripe.com")?.[0]?.remote).toEqual({ identity: 2, labels: ["reserved:world"] });
  });

  it("prefixes node names with the cluster outside the default cluster", () => {
    const other = buildTopology(buildApp(0, new Random(1)), { clusterName: "prod-eu", nodes: 2 }, new Random(2));
    expect(other.nodes.map((n) => n.name)).toEqual(["prod-eu/k8s-worker-1", "prod-eu/k8s-worker-2"]);
  });
});
