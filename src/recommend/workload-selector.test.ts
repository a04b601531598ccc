import { describe, expect, it } from "vitest";
import { workload } from "./testdata/graph.js";
import { chooseWorkloadSelectors } from "./workload-selector.js";

describe("workload selectors", () => {
  it("uses the app name label alone when it is unique in the namespace", () => {
    const s = chooseWorkloadSelectors([workload("shop", "web", { "app.kubernetes.io/name": "web", tier: "front" }), workload("shop", "api")]);
    expect(s.get("shop/Deployment/web")).toEqual({ matchLabels: { "app.kubernetes.io/name": "web" }, exact: true, alsoSelects: [] });
  });
  it("keeps the name label and adds the fewest labels that tell versions apart", () => {
    const v1 = workload("bookinfo", "reviews-v1", { app: "reviews", version: "v1" });
    const v2 = workload("bookinfo", "reviews-v2", { app: "reviews", version: "v2" });
    const ratings = workload("bookinfo", "ratings-v2", { app: "ratings", version: "v2" });
    expect(chooseWorkloadSelectors([v1, v2, ratings]).get(v2.key)?.matchLabels).toEqual({ app: "reviews", version: "v2" });
  });
  it("never selects on labels Cilium leaves out of identities", () => {
    const w = workload("shop", "web", { "kubernetes.io/arch": "amd64", app: "web" });
    expect(chooseWorkloadSelectors([w]).get(w.key)?.matchLabels).toEqual({ app: "web" });
  });
  it("reports workloads no label set tells apart", () => {
    const a = workload("shop", "a", { app: "same" });
    const b = workload("shop", "b", { app: "same" });
    expect(chooseWorkloadSelectors([a, b]).get(a.key)).toEqual({ matchLabels: { app: "same" }, exact: false, alsoSelects: ["shop/Deployment/b"] });
  });
  it("does not let a workload of another namespace spoil uniqueness", () => {
    const a = workload("shop", "web");
    const b = workload("blog", "web");
    expect(chooseWorkloadSelectors([a, b]).get(a.key)?.exact).toBe(true);
  });
});
