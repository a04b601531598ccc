import { describe, expect, it } from "vitest";
import { ownerOf } from "./workload-owner.js";

const none = { labelKeys: new Set<string>(), jobName: "" };
const keys = (...k: string[]) => ({ labelKeys: new Set(k), jobName: "" });

describe("ownerOf", () => {
  it.each([
    ["a Deployment pod", "api-7d9c8b5f6d-x2k4q", none, { kind: "Deployment", name: "api" }],
    ["a Deployment with dashes", "reviews-v2-7bf8c9648f-r7bs2", none, { kind: "Deployment", name: "reviews-v2" }],
    ["a StatefulSet pod", "postgres-0", keys("statefulset.kubernetes.io/pod-name"), { kind: "StatefulSet", name: "postgres" }],
    ["an ordinal pod without hints", "redis-12", none, { kind: "StatefulSet", name: "redis" }],
    ["a DaemonSet pod", "cilium-x7k2b", keys("controller-revision-hash", "pod-template-generation"), { kind: "DaemonSet", name: "cilium" }],
    ["a bare pod", "debug", none, { kind: "Pod", name: "debug" }],
    ["a Job pod", "migrate-abcde", { labelKeys: new Set(["job-name"]), jobName: "migrate" }, { kind: "Job", name: "migrate" }],
    ["a CronJob pod", "backup-28461240-q2x5z", { labelKeys: new Set(["job-name"]), jobName: "backup-28461240" }, { kind: "CronJob", name: "backup" }],
    ["a pod whose name would cut to a prefix that is no controller name", "a--0", none, { kind: "Pod", name: "a--0" }],
  ])("%s", (_name, podName, hints, expected) => {
    expect(ownerOf(podName, [], hints)).toEqual(expected);
  });

  it("prefers the workloads Hubble reports", () => {
    expect(ownerOf("coredns-5d78c9869d-abcde", [{ name: "coredns", kind: "Deployment" }], none)).toEqual({ kind: "Deployment", name: "coredns" });
    expect(ownerOf("x", [{ name: "web-6f7b8c9d5", kind: "ReplicaSet" }], none)).toEqual({ kind: "Deployment", name: "web" });
    expect(ownerOf("x", [{ name: "adhoc", kind: "ReplicaSet" }], none)).toEqual({ kind: "ReplicaSet", name: "adhoc" });
  });
});
