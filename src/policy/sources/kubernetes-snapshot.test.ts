import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { KubernetesSnapshotError } from "./kubernetes-errors.js";
import { takeKubernetesSnapshot } from "./kubernetes-snapshot.js";
import { KubeApiServer } from "./testdata/kube-api-server.js";

const NP = "/apis/networking.k8s.io/v1/networkpolicies";
const CNP = "/apis/cilium.io/v2/ciliumnetworkpolicies";
const CCNP = "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies";
const NS = "/api/v1/namespaces";
const PODS = "/api/v1/pods";

const logger = pino({ level: "silent" });

function kubeConfigFor(server: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    // The client refuses plain http unless TLS verification is explicitly off.
    clusters: [{ name: "local", server, skipTLSVerify: true }],
    users: [{ name: "auditor", token: "test-token" }],
    contexts: [{ name: "local", cluster: "local", user: "auditor" }],
    currentContext: "local",
  });
  return config;
}

async function startApi(): Promise<KubeApiServer> {
  const api = await KubeApiServer.start();
  api.define(NP, "networking.k8s.io/v1", "NetworkPolicy");
  api.define(CNP, "cilium.io/v2", "CiliumNetworkPolicy");
  api.define(CCNP, "cilium.io/v2", "CiliumClusterwideNetworkPolicy");
  api.define(NS, "v1", "Namespace");
  api.define(PODS, "v1", "Pod");
  api.apply(NS, { metadata: { name: "shop" } });
  api.apply(NP, { metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: {} } });
  return api;
}

/** A loopback port nobody listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo; // listening on TCP
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

function kinds(documents: readonly { readonly object: unknown }[]): string[] {
  return documents.map((d) => (d.object as { kind: string }).kind); // cached objects always carry their kind
}

async function failure(promise: Promise<unknown>): Promise<KubernetesSnapshotError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(KubernetesSnapshotError);
  return err as KubernetesSnapshotError; // checked just above
}

describe("takeKubernetesSnapshot", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it("returns every kind once each is listed, an absent Cilium CRD counting as listed", async () => {
    const api = await startApi();
    closers.push(() => api.close());
    api.setAbsent(CCNP, true);
    const documents = await takeKubernetesSnapshot({ kubeConfig: kubeConfigFor(api.url), logger });
    expect(kinds(documents).sort()).toEqual(["Namespace", "NetworkPolicy"]);
  });

  it("waits out failures that clear within the retry time", async () => {
    const api = await startApi();
    closers.push(() => api.close());
    api.failNext(NP, 2);
    const documents = await takeKubernetesSnapshot({ kubeConfig: kubeConfigFor(api.url), logger, retryMs: 3_000 });
    expect(kinds(documents)).toContain("NetworkPolicy");
  });

  it("fails within the retry time, naming the server and the cause, when the port is closed", async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const started = performance.now();
    const err = await failure(takeKubernetesSnapshot({ kubeConfig: kubeConfigFor(server), logger, retryMs: 500 }));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(err.server).toBe(server);
    expect(err.message).toMatch(
      new RegExp(`^cannot list NetworkPolicy objects from the Kubernetes API server at ${server} \\(retried for 0\\.5 s\\): GET /apis/networking\\.k8s\\.io/v1/networkpolicies\\?limit=500 failed: connect ECONNREFUSED`),
    );
  });

  it("fails when one kind keeps answering 500, rather than returning the others", async () => {
    const api = await startApi();
    closers.push(() => api.close());
    api.failNext(PODS, 1_000_000);
    const err = await failure(takeKubernetesSnapshot({ kubeConfig: kubeConfigFor(api.url), logger, retryMs: 500 }));
    expect(err.message).toBe(
      `cannot list Pod objects from the Kubernetes API server at ${api.url} (retried for 0.5 s): GET /api/v1/pods?limit=500: 500 etcdserver: request timed out`,
    );
  });

  it("gives up after the time limit when the server never answers", async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    closers.push(async () => {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => { resolve(); }));
    });
    const server = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`; // listening on TCP
    const err = await failure(takeKubernetesSnapshot({ kubeConfig: kubeConfigFor(server), logger, retryMs: 100, timeoutMs: 400 }));
    expect(err.message).toBe(`the Kubernetes API server at ${server} did not list the cluster's policies within 0.4 s`);
  });
});
