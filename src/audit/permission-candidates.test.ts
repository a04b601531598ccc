import { describe, expect, it } from "vitest";
import type { WorkloadIdentity } from "../flows/index.js";
import { newPodsOf } from "./permission-candidates.js";
import { wl } from "./testdata/observed.js";

function inCluster(w: WorkloadIdentity, cluster: string): WorkloadIdentity {
  return { ...w, cluster, ciliumLabels: [...w.ciliumLabels, `k8s:io.cilium.k8s.policy.cluster=${cluster}`] };
}

describe("new pods", () => {
  it("adds one per namespace with the namespace's labels, the default service account and no app labels", () => {
    const shop = { ...wl("shop", "web"), namespaceLabels: { "kubernetes.io/metadata.name": "shop", team: "red" } };
    const pods = newPodsOf([wl("db", "pg"), shop, wl("shop", "api")]);
    expect(pods.map((p) => p.key)).toEqual(["db/Pod/(new pod)", "shop/Pod/(new pod)"]);
    expect(pods[1]).toMatchObject({ kind: "workload", namespace: "shop", labels: {}, serviceAccount: "default", cluster: "" });
    // The namespace's labels come from its first workload by key (shop/Deployment/api).
    expect(pods[1]?.ciliumLabels).toEqual([
      "k8s:io.kubernetes.pod.namespace=shop",
      "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
      "k8s:io.cilium.k8s.policy.serviceaccount=default",
    ]);
  });

  it("carries the cluster label when the namespace's workloads do", () => {
    const [pod] = newPodsOf([wl("x", "a"), inCluster(wl("x", "b"), "east")]);
    expect(pod?.cluster).toBe("east");
    expect(pod?.ciliumLabels).toContain("k8s:io.cilium.k8s.policy.cluster=east");
  });
});
