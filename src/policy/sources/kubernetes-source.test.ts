import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startKubernetesSource, type KubernetesSource } from "./kubernetes-source.js";
import type { SourceDocument } from "../index.js";
import type { KubernetesSourceTiming } from "./source-timing.js";
import { KubeApiServer } from "./testdata/kube-api-server.js";

const NP = "/apis/networking.k8s.io/v1/networkpolicies";
const CNP = "/apis/cilium.io/v2/ciliumnetworkpolicies";
const CCNP = "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies";
const NS = "/api/v1/namespaces";
const PODS = "/api/v1/pods";

type Fixture = Record<string, unknown> & { metadata: { name: string; namespace?: string } };

function fixture(name: string): Fixture[] {
  const text = readFileSync(new URL(`./testdata/kubernetes/${name}.json`, import.meta.url), "utf8");
  return JSON.parse(text) as Fixture[]; // our own fixture files: arrays of named objects
}

const FAST: Partial<KubernetesSourceTiming> = {
  debounceMs: 5,
  maxDebounceMs: 50,
  initialBackoffMs: 5,
  maxBackoffMs: 40,
  absentRetryMs: 20,
  resyncMs: 0,
  healthyWatchMs: 5_000,
  listTimeoutMs: 5_000,
  pageSize: 2,
};

const WAIT = { timeout: 5_000, interval: 5 };

async function startServer(options: { cilium: "installed" | "absent" }): Promise<KubeApiServer> {
  const server = await KubeApiServer.start();
  server.define(NP, "networking.k8s.io/v1", "NetworkPolicy");
  server.define(CNP, "cilium.io/v2", "CiliumNetworkPolicy");
  server.define(CCNP, "cilium.io/v2", "CiliumClusterwideNetworkPolicy");
  server.define(NS, "v1", "Namespace");
  server.define(PODS, "v1", "Pod");
  for (const o of fixture("namespaces")) server.apply(NS, o);
  for (const o of fixture("pods")) server.apply(PODS, o);
  for (const o of fixture("networkpolicies")) server.apply(NP, o);
  for (const o of fixture("ciliumnetworkpolicies")) server.apply(CNP, o);
  for (const o of fixture("ciliumclusterwidenetworkpolicies")) server.apply(CCNP, o);
  if (options.cilium === "absent") {
    server.setAbsent(CNP, true);
    server.setAbsent(CCNP, true);
  }
  return server;
}

function kubeConfigFor(server: KubeApiServer): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    // The client refuses plain http unless TLS verification is explicitly off.
    clusters: [{ name: "local", server: server.url, skipTLSVerify: true }],
    users: [{ name: "auditor", token: "test-token" }],
    contexts: [{ name: "local", cluster: "local", user: "auditor" }],
    currentContext: "local",
  });
  return config;
}

function describeDocs(docs: readonly SourceDocument[] | undefined): string[] {
  return (docs ?? []).map((d) => {
    const o = d.object as Fixture & { kind: string }; // cached objects always have kind and metadata
    return `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  });
}

function find(docs: readonly SourceDocument[] | undefined, kind: string, name: string): unknown {
  return (docs ?? []).find((d) => {
    const o = d.object as Fixture & { kind: string }; // as above
    return o.kind === kind && o.metadata.name === name;
  })?.object;
}

const ALL = [
  "NetworkPolicy shop/allow-frontend-to-api",
  "NetworkPolicy shop/default-deny-ingress",
  "CiliumNetworkPolicy shop/api-egress-dns",
  "CiliumClusterwideNetworkPolicy /deny-metadata-service",
  "Namespace /kube-system",
  "Namespace /shop",
  "Pod kube-system/cilium-8xq2z",
  "Pod shop/api-7d9c6b5f4-x2k8p",
  "Pod shop/frontend-5f6d8c7b9-abcde",
];

describe("startKubernetesSource", () => {
  let server: KubeApiServer | undefined;
  let source: KubernetesSource | undefined;
  let updates: (readonly SourceDocument[])[] = [];

  afterEach(async () => {
    await source?.stop();
    await server?.close();
    source = undefined;
    server = undefined;
    updates = [];
  });

  function start(s: KubeApiServer, timing: Partial<KubernetesSourceTiming> = {}): KubernetesSource {
    source = startKubernetesSource({
      kubeConfig: kubeConfigFor(s),
      logger: pino({ level: "silent" }),
      onChange: (docs) => {
        updates.push(docs);
      },
      timing: { ...FAST, ...timing },
    });
    return source;
  }
  const latest = (): readonly SourceDocument[] | undefined => updates.at(-1);

  it("reports the whole set once every kind is listed, paging through lists with the kubeconfig's token", async () => {
    server = await startServer({ cilium: "installed" });
    const running = start(server);
    await vi.waitFor(() => {
      expect(updates.length).toBeGreaterThan(0);
    }, WAIT);
    expect(describeDocs(updates[0])).toEqual(ALL);
    expect(updates[0]?.every((d) => d.origin.source === "kubernetes")).toBe(true);
    const state = running.state();
    expect(state.synced).toBe(true);
    expect(state.lastError).toBeUndefined();
    expect(state.kinds.map((k) => [k.kind, k.synced, k.absent, k.objects])).toEqual([
      ["NetworkPolicy", true, false, 2],
      ["CiliumNetworkPolicy", true, false, 1],
      ["CiliumClusterwideNetworkPolicy", true, false, 1],
      ["Namespace", true, false, 2],
      ["Pod", true, false, 3],
    ]);
    const podLists = server.requests.filter((r) => r.path === PODS && !r.watch);
    expect(podLists.map((r) => r.query.get("continue"))).toEqual([null, "2"]);
    expect(server.requests.every((r) => r.authorization === "Bearer test-token")).toBe(true);
  });

  it("keeps only the pod fields the policy model reads", async () => {
    server = await startServer({ cilium: "installed" });
    start(server);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
    }, WAIT);
    expect(find(latest(), "Pod", "api-7d9c6b5f4-x2k8p")).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "api-7d9c6b5f4-x2k8p",
        namespace: "shop",
        uid: "a3d1b1e2-0c6b-4b8e-8f5e-4f9c2e1d7a01",
        resourceVersion: expect.any(String) as unknown,
        labels: { app: "api", "pod-template-hash": "7d9c6b5f4" },
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "api-7d9c6b5f4", uid: "c0ffee00-1111-2222-3333-444455556666", controller: true },
        ],
      },
      spec: {
        containers: [
          {
            name: "api",
            ports: [
              { name: "http", containerPort: 8080, protocol: "TCP" },
              { name: "metrics", containerPort: 9090, protocol: "TCP" },
            ],
          },
          { name: "log-shipper" },
        ],
        initContainers: [{ name: "migrate" }, { name: "proxy", ports: [{ name: "proxy", containerPort: 15001, protocol: "TCP" }] }],
      },
      status: { phase: "Running", podIPs: [{ ip: "10.244.1.17" }, { ip: "fd00:10:244:1::11" }] },
    });
    expect(find(latest(), "Pod", "cilium-8xq2z")).toMatchObject({ spec: { hostNetwork: true } });
  });

  it("keeps policy specs whole but drops managed fields, the last-applied copy and status", async () => {
    server = await startServer({ cilium: "installed" });
    start(server);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
    }, WAIT);
    const deny = find(latest(), "NetworkPolicy", "default-deny-ingress") as Fixture; // found above
    expect(deny.metadata).not.toHaveProperty("managedFields");
    expect(deny.metadata).toMatchObject({ annotations: { owner: "platform-team" } });
    expect(deny.metadata).not.toHaveProperty(["annotations", "kubectl.kubernetes.io/last-applied-configuration"]);
    expect(find(latest(), "NetworkPolicy", "allow-frontend-to-api")).toMatchObject({
      apiVersion: "networking.k8s.io/v1",
      spec: fixture("networkpolicies")[1]?.spec,
    });
    const cnp = find(latest(), "CiliumNetworkPolicy", "api-egress-dns") as Fixture; // found above
    expect(cnp).not.toHaveProperty("status");
    expect(cnp.spec).toEqual(fixture("ciliumnetworkpolicies")[0]?.spec);
  });

  it("applies ADDED, MODIFIED and DELETED watch events", async () => {
    server = await startServer({ cilium: "installed" });
    start(server);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
    }, WAIT);
    const added = { metadata: { name: "allow-dns", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Egress"] } };
    server.apply(NP, added);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toContain("NetworkPolicy shop/allow-dns");
    }, WAIT);
    server.apply(NP, { ...added, spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"] } });
    await vi.waitFor(() => {
      expect(find(latest(), "NetworkPolicy", "allow-dns")).toMatchObject({ spec: { podSelector: { matchLabels: { app: "api" } } } });
    }, WAIT);
    server.remove(PODS, "shop", "frontend-5f6d8c7b9-abcde");
    await vi.waitFor(() => {
      expect(describeDocs(latest())).not.toContain("Pod shop/frontend-5f6d8c7b9-abcde");
    }, WAIT);
    expect(server.count(NP, "list")).toBe(1);
  });

  it("recovers from a dropped watch by resuming from its resourceVersion, without relisting", async () => {
    server = await startServer({ cilium: "installed" });
    start(server);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
      expect(server?.openWatches()).toBe(5);
    }, WAIT);
    const watchesBefore = server.count(NP, "watch");
    server.dropWatches();
    server.apply(NP, { metadata: { name: "after-drop", namespace: "shop" }, spec: { podSelector: {} } });
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toContain("NetworkPolicy shop/after-drop");
    }, WAIT);
    expect(server.count(NP, "list")).toBe(1);
    expect(server.count(NP, "watch")).toBeGreaterThan(watchesBefore);
    const resumed = server.requests.filter((r) => r.path === NP && r.watch).at(-1);
    expect(resumed?.query.get("resourceVersion")).not.toBe("");
    expect(resumed?.query.get("allowWatchBookmarks")).toBe("true");
  });

  it("reopens a watch the server ended normally, from where it left off", async () => {
    server = await startServer({ cilium: "installed" });
    start(server);
    await vi.waitFor(() => {
      expect(server?.openWatches()).toBe(5);
    }, WAIT);
    server.endWatches();
    server.remove(NS, undefined, "kube-system");
    await vi.waitFor(() => {
      expect(describeDocs(latest())).not.toContain("Namespace /kube-system");
    }, WAIT);
    expect(server.count(NS, "list")).toBe(1);
    expect(server.requests.filter((r) => r.path === NS && r.watch).every((r) => r.query.has("timeoutSeconds"))).toBe(true);
  });

  it.each(["event", "status"] as const)("relists when a watch is answered 410 Gone (as %s)", async (how) => {
    server = await startServer({ cilium: "installed" });
    start(server);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
      expect(server?.openWatches()).toBe(5);
    }, WAIT);
    // A change whose event was compacted away: only a fresh list can reveal it.
    server.applySilently(NP, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "compacted", namespace: "shop" }, spec: { podSelector: {} } });
    server.expireNextWatch(NP, how);
    server.dropWatches();
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toContain("NetworkPolicy shop/compacted");
    }, WAIT);
    expect(server.count(NP, "list")).toBe(2);
    expect(describeDocs(latest())).toEqual(expect.arrayContaining(ALL));
  });

  it("treats missing Cilium CRDs as absent, not failed, and picks them up once installed", async () => {
    server = await startServer({ cilium: "absent" });
    const running = start(server);
    await vi.waitFor(() => {
      expect(updates.length).toBeGreaterThan(0);
    }, WAIT);
    expect(describeDocs(updates[0])).toEqual(ALL.filter((d) => !d.startsWith("Cilium")));
    const state = running.state();
    expect(state.synced).toBe(true);
    expect(state.lastError).toBeUndefined();
    expect(state.kinds.filter((k) => k.absent).map((k) => [k.kind, k.synced])).toEqual([
      ["CiliumNetworkPolicy", false],
      ["CiliumClusterwideNetworkPolicy", false],
    ]);
    server.setAbsent(CNP, false);
    server.setAbsent(CCNP, false);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
    }, WAIT);
    expect(running.state().kinds.every((k) => k.synced && !k.absent)).toBe(true);
  });

  it("retries a failing list with backoff and records the error", async () => {
    server = await startServer({ cilium: "installed" });
    server.failNext(PODS, 2);
    const running = start(server);
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
    }, WAIT);
    expect(server.count(PODS, "list")).toBe(3); // two failures, then a list of two pages
    const state = running.state();
    expect(state.synced).toBe(true);
    expect(state.lastError).toMatchObject({ kind: "Pod", message: expect.stringContaining("500 etcdserver: request timed out") as unknown });
  });

  it("relists periodically when resync is on", async () => {
    server = await startServer({ cilium: "installed" });
    start(server, { resyncMs: 30 });
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toEqual(ALL);
    }, WAIT);
    server.applySilently(NS, { apiVersion: "v1", kind: "Namespace", metadata: { name: "drifted" } });
    await vi.waitFor(() => {
      expect(describeDocs(latest())).toContain("Namespace /drifted");
    }, WAIT);
  });

  it("closes every watch on stop", async () => {
    server = await startServer({ cilium: "installed" });
    const running = start(server);
    await vi.waitFor(() => {
      expect(server?.openWatches()).toBe(5);
    }, WAIT);
    await running.stop();
    source = undefined;
    await vi.waitFor(() => {
      expect(server?.openWatches()).toBe(0);
    }, WAIT);
    const seen = updates.length;
    server.apply(NP, { metadata: { name: "after-stop", namespace: "shop" }, spec: { podSelector: {} } });
    expect(updates.length).toBe(seen);
  });
});
