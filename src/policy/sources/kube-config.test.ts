import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKubeConfig } from "./kube-config.js";
import { KubeConfigError } from "./kubernetes-errors.js";

const kubeconfig = fileURLToPath(new URL("./testdata/kubeconfig.yaml", import.meta.url));

describe("loadKubeConfig", () => {
  it("uses the file's current context by default", () => {
    expect(loadKubeConfig({ kubeconfig }).getCurrentCluster()?.server).toBe("https://staging.example:6443");
  });

  it("switches to a named context", () => {
    expect(loadKubeConfig({ kubeconfig, context: "production" }).getCurrentCluster()?.server).toBe("https://production.example:6443");
  });

  it("rejects an unknown context by name", () => {
    expect(() => loadKubeConfig({ kubeconfig, context: "nope" })).toThrow(new KubeConfigError('kubeconfig has no context named "nope"'));
  });

  it("rejects a missing file, keeping the cause", () => {
    let caught: unknown;
    try {
      loadKubeConfig({ kubeconfig: "/nonexistent/kubeconfig" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KubeConfigError);
    expect((caught as KubeConfigError).cause).toBeDefined(); // narrowed by the assertion above
  });
});
