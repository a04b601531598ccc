// `serve --policies k8s`: the daemon keeps its policy model current from a Kubernetes API
// server (a local one speaking list and watch), and the API reports what it holds.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { KubeApiServer } from "../src/policy/sources/testdata/kube-api-server.js";
import { startCli, waitForOutput } from "./cli-process.js";

const COLLECTIONS = [
  ["/apis/networking.k8s.io/v1/networkpolicies", "networking.k8s.io/v1", "NetworkPolicy", "networkpolicies"],
  ["/apis/cilium.io/v2/ciliumnetworkpolicies", "cilium.io/v2", "CiliumNetworkPolicy", "ciliumnetworkpolicies"],
  ["/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies", "cilium.io/v2", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies"],
  ["/api/v1/namespaces", "v1", "Namespace", "namespaces"],
  ["/api/v1/pods", "v1", "Pod", "pods"],
] as const;

type Fixture = Record<string, unknown> & { metadata: { name: string; namespace?: string } };

function fixture(name: string): Fixture[] {
  const text = readFileSync(join(import.meta.dirname, `../src/policy/sources/testdata/kubernetes/${name}.json`), "utf8");
  return JSON.parse(text) as Fixture[]; // our own fixture files: arrays of named objects
}

interface PolicyStatus {
  readonly policies: { readonly origin: string; readonly networkPolicies: number; readonly ciliumNetworkPolicies: number; readonly ciliumClusterwideNetworkPolicies: number; readonly namespaces: number; readonly pods: number } | null;
}

async function pollStatus(api: string, until: (s: PolicyStatus) => boolean): Promise<PolicyStatus> {
  let last: PolicyStatus = { policies: null };
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`${api}/status`, { signal: AbortSignal.timeout(5000) });
    last = (await response.json()) as PolicyStatus; // checked against the OpenAPI document in api.test.ts
    if (until(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return last;
}

describe("serve --policies k8s", () => {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-serve-k8s-"));
  let server: KubeApiServer | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  afterAll(async () => {
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads the cluster's policies, Namespaces and Pods, and follows changes", async () => {
    const kube = await KubeApiServer.start();
    server = kube;
    for (const [path, apiVersion, kind, file] of COLLECTIONS) {
      kube.define(path, apiVersion, kind);
      for (const o of fixture(file)) kube.apply(path, o);
    }
    const kubeconfig = join(dir, "kubeconfig.yaml");
    writeFileSync(kubeconfig, stringify({
      apiVersion: "v1", kind: "Config", "current-context": "local",
      clusters: [{ name: "local", cluster: { server: kube.url, "insecure-skip-tls-verify": true } }],
      users: [{ name: "auditor", user: { token: "test-token" } }],
      contexts: [{ name: "local", context: { cluster: "local", user: "auditor" } }],
    }));
    // Hubble is unreachable here; policies load regardless.
    child = startCli(["serve", "--hubble", "127.0.0.1:1", "--policies", "k8s", "--kubeconfig", kubeconfig, "--db", join(dir, "graph.db"), "--listen", "127.0.0.1:0", "--metrics-listen", "off"]);
    const text = await waitForOutput(child, (t) => /^api: http:\S+$/m.test(t), 60_000);
    const api = /^api: (http:\S+)$/m.exec(text)?.[1] ?? "";

    const loaded = await pollStatus(api, (s) => s.policies !== null);
    expect(loaded.policies).toMatchObject({ origin: "kubernetes", networkPolicies: 2, ciliumNetworkPolicies: 1, ciliumClusterwideNetworkPolicies: 1, namespaces: 2, pods: 3 });
    expect(kube.requests.every((r) => r.authorization === "Bearer test-token")).toBe(true);
    const ready = (await (await fetch(api.replace(/\/api\/v1$/, "/readyz"))).json()) as { checks: { name: string; ok: boolean; reason: string }[] };
    expect(ready.checks.find((c) => c.name === "policies")).toMatchObject({ ok: true, reason: "4 policies from the Kubernetes API" });

    kube.apply("/apis/networking.k8s.io/v1/networkpolicies", {
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny-all", namespace: "kube-system" }, spec: { podSelector: {}, policyTypes: ["Ingress"] },
    });
    const updated = await pollStatus(api, (s) => s.policies?.networkPolicies === 3);
    expect(updated.policies?.networkPolicies).toBe(3);
  }, 90_000);
});
