import { describe, expect, it } from "vitest";
import type { Identity, WorkloadIdentity } from "./identity.js";
import { identityProblem } from "./identity-check.js";

const web: WorkloadIdentity = {
  kind: "workload", key: "shop/Deployment/web", cluster: "", namespace: "shop", workloadKind: "Deployment", name: "web",
  labels: { app: "web" }, namespaceLabels: { "kubernetes.io/metadata.name": "shop" }, serviceAccount: "web",
  ciliumLabels: ["k8s:app=web", "k8s:io.kubernetes.pod.namespace=shop"],
};

describe("identityProblem", () => {
  it("passes sound identities", () => {
    expect(identityProblem(web)).toBeUndefined();
    const world: Identity = { kind: "reserved", key: "world:1.1.1.1", entity: "world", ip: "1.1.1.1", dnsNames: [], ciliumLabels: ["reserved:world"], pod: "/stray" };
    expect(identityProblem(world)).toBeUndefined();
  });

  it.each<[string, Partial<WorkloadIdentity>, string | RegExp]>([
    ["a bad namespace", { namespace: "../.." }, /^namespace "..\/.." is not a valid namespace name/],
    ["a workload name from a label value", { name: "My_App" }, /^workload "My_App" is not a valid workload name/],
    ["a bad kind", { workloadKind: "a b" }, /^workload kind "a b"/],
    ["a bad cluster", { cluster: "a/b" }, /^cluster "a\/b"/],
    ["a bad label key", { labels: { "a/b/c": "x" } }, /^label key "a\/b\/c" is not a valid label key/],
    ["a bad label value", { labels: { app: "a\nb" } }, /^label\["app"\] "a\\nb" is not a valid label value/],
    ["a bad namespace label", { namespaceLabels: { team: "-x" } }, /^namespace label\["team"\]/],
    ["a bad Cilium label", { ciliumLabels: ["k8s:io.kubernetes.pod.namespace=UPPER"] }, /^Cilium label "k8s:io.kubernetes.pod.namespace=UPPER"/],
  ])("names %s", (_what, change, message) => {
    expect(identityProblem({ ...web, ...change })).toMatch(message);
  });

  it("checks the pod a reserved identity carries", () => {
    const stray: Identity = { kind: "reserved", key: "world:1.1.1.1", entity: "world", ip: "1.1.1.1", dnsNames: [], ciliumLabels: [], pod: "../x" };
    expect(identityProblem(stray)).toMatch(/^pod namespace "\.\." is not a valid namespace name/);
  });
});
