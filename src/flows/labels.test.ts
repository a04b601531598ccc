import { describe, expect, it } from "vitest";
import { parseCiliumLabel, sortLabels } from "./labels.js";

describe("Cilium labels", () => {
  it.each([
    ["k8s:app=web", { source: "k8s", key: "app", value: "web" }],
    ["reserved:world", { source: "reserved", key: "world", value: "" }],
    ["k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop", { source: "k8s", key: "io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", value: "shop" }],
    ["k8s:note=a=b", { source: "k8s", key: "note", value: "a=b" }],
    ["app=web", { source: "unknown", key: "app", value: "web" }],
  ])("parses %s", (raw, expected) => {
    expect(parseCiliumLabel(raw)).toEqual(expected);
  });

  it("keeps stable pod labels and sorts out namespace labels, service account and churn labels", () => {
    const sorted = sortLabels([
      "k8s:app.kubernetes.io/name=api",
      "k8s:pod-template-hash=7d9c8b5f6d",
      "k8s:controller-revision-hash=abc",
      "k8s:statefulset.kubernetes.io/pod-name=api-0",
      "k8s:batch.kubernetes.io/job-name=migrate",
      "k8s:io.kubernetes.pod.namespace=shop",
      "k8s:io.cilium.k8s.namespace.labels.team=payments",
      "k8s:io.cilium.k8s.policy.serviceaccount=api-sa",
      "k8s:io.cilium.k8s.policy.cluster=prod",
      "container:runtime=x",
    ]);
    expect(sorted.labels).toEqual({ "app.kubernetes.io/name": "api" });
    expect(sorted.namespaceLabels).toEqual({ team: "payments" });
    expect(sorted).toMatchObject({ namespace: "shop", serviceAccount: "api-sa", cluster: "prod", jobName: "migrate" });
    expect(sorted.allKeys.has("pod-template-hash")).toBe(true);
  });
});
