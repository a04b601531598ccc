import { describe, expect, it } from "vitest";
import { chooseSelector, newPodLabels } from "./workload-selector.js";
import type { SelectorChoice } from "./workload-selector.js";

const set = (labels: Record<string, string>, sa = "default"): string[] => [
  ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
  "k8s:io.kubernetes.pod.namespace=shop",
  "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
  `k8s:io.cilium.k8s.policy.serviceaccount=${sa}`,
];
const newPod = { name: "a new pod", sets: [newPodLabels("shop", { "kubernetes.io/metadata.name": "shop" }, "")] };

function choose(own: string[][], others: Record<string, string[][]>, serviceAccount = true): SelectorChoice {
  return chooseSelector({ sets: own, others: [...Object.entries(others).map(([name, sets]) => ({ name, sets })), newPod], serviceAccount });
}

describe("chooseSelector", () => {
  it("uses the app name label alone when it is unique in the namespace", () => {
    expect(choose([set({ "app.kubernetes.io/name": "web", tier: "front" })], { api: [set({ app: "api" })] })).toEqual({
      ok: true, via: "labels", selector: { matchLabels: { "app.kubernetes.io/name": "web" }, matchExpressions: [] },
    });
  });

  it("keeps the name label and adds the fewest labels that tell versions apart", () => {
    const r = choose([set({ app: "reviews", version: "v2" })], { v1: [set({ app: "reviews", version: "v1" })], ratings: [set({ app: "ratings", version: "v2" })] });
    expect(r.ok && r.selector.matchLabels).toEqual({ app: "reviews", version: "v2" });
  });

  it("matches every label set its pods carried, from the labels they all share", () => {
    const r = choose([set({ app: "web", version: "v1" }), set({ app: "web", version: "v2" })], { api: [set({ app: "api" })] });
    expect(r.ok && r.selector.matchLabels).toEqual({ app: "web" });
  });

  it("never selects on churn labels or labels Kubernetes manages", () => {
    const r = choose([set({ "kubernetes.io/arch": "amd64", app: "web", "pod-template-hash": "7d9c8b5f6d" })], {});
    expect(r.ok && r.selector.matchLabels).toEqual({ app: "web" });
  });

  it("adds the service account when labels alone cannot tell two workloads apart, for CiliumNetworkPolicy", () => {
    const r = choose([set({ app: "web" }, "web")], { "web-debug": [set({ app: "web" }, "debug")] });
    expect(r).toEqual({ ok: true, via: "service-account", selector: { matchLabels: { app: "web", "io.cilium.k8s.policy.serviceaccount": "web" }, matchExpressions: [] } });
  });

  it("keeps a bare pod that copies an app's labels out by expression", () => {
    // `kubectl run` adds run=<name>; a copy of the app's labels plus that is excluded by DoesNotExist.
    const r = choose([set({ app: "web", tier: "front" })], { "web-debug": [set({ app: "web", tier: "front", run: "web-debug" })] }, false);
    expect(r).toEqual({ ok: true, via: "expressions", selector: { matchLabels: { app: "web", tier: "front" }, matchExpressions: [{ key: "run", operator: "DoesNotExist" }] } });
  });

  it("excludes another value of a label its own pods vary on with NotIn", () => {
    const own = [set({ app: "web", track: "stable" }), set({ app: "web", track: "beta" })];
    const r = choose(own, { canary: [set({ app: "web", track: "canary" })] }, false);
    expect(r).toEqual({ ok: true, via: "expressions", selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "track", operator: "NotIn", values: ["canary"] }] } });
  });

  it("refuses, naming why, when nothing tells a workload apart", () => {
    const r = choose([set({ app: "web" }, "web")], { "web-debug": [set({ app: "web" }, "debug")] }, false);
    expect(r).toEqual({ ok: false, reason: "no label or exclusion tells it apart from web-debug; give its pod template a label of its own" });
  });

  it("refuses a workload whose pods carry no stable label, rather than selecting the whole namespace", () => {
    const cron = [["k8s:job-name=report-28471230", "k8s:controller-uid=9f1c", "k8s:io.kubernetes.pod.namespace=shop", "k8s:io.cilium.k8s.policy.serviceaccount=default"]];
    const r = choose(cron, { api: [set({ app: "api" })] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain("no stable label or service account of their own");
  });

  it("selects a workload by its own service account when that is all it has", () => {
    const cron = [["k8s:job-name=report-28471230", "k8s:io.kubernetes.pod.namespace=shop", "k8s:io.cilium.k8s.policy.serviceaccount=report"]];
    expect(choose(cron, { api: [set({ app: "api" })] })).toEqual({ ok: true, via: "service-account", selector: { matchLabels: { "io.cilium.k8s.policy.serviceaccount": "report" }, matchExpressions: [] } });
  });

  it("carries the labels it is asked to carry (the cluster of a peer)", () => {
    const r = chooseSelector({ sets: [set({ app: "api" })], others: [newPod], serviceAccount: true, required: { "io.cilium.k8s.policy.cluster": "west" } });
    expect(r.ok && r.selector.matchLabels).toEqual({ app: "api", "io.cilium.k8s.policy.cluster": "west" });
  });
});
