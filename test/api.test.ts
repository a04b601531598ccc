// The HTTP API end to end: a real `serve` process fed over loopback gRPC by a replay server,
// its policies from a file, answering on an ephemeral port. Every layer is the real one.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Parser } from "tar";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { pino } from "pino";
import { Analysis, LocalAnalysisService, OPENAPI, createApiApp } from "../src/api/index.js";
import { DEMO_POLICIES } from "../src/daemon/index.js";
import { openGraphStore } from "../src/graph/index.js";
import { createFlowRun } from "../src/hubble/generate/index.js";
import { CaptureBuilder, ReplayServer, ReplaySource } from "../src/hubble/replay/index.js";
import { parseExposition } from "../src/metrics/testdata/exposition.js";
import { parsePolicyDocuments } from "../src/policy/index.js";
import { parsePolicyText } from "../src/policy/sources/index.js";
import { startCli, waitForOutput } from "./cli-process.js";

const FLOWS = 12_000;
/**
 * What the daemon reads: a fresh graph asks for everything the server buffers, so first the
 * ring's copy of the capture (its original times, outside the audit window), then the live
 * replay of it. The ring holds both, so nothing is overwritten before it is read.
 */
const SERVED = 2 * FLOWS;
const TOKEN = "s3cret-token-for-tests";

interface Operation {
  readonly parameters: readonly { readonly name: string; readonly required?: boolean; readonly schema: Readonly<Record<string, unknown>> }[];
  readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: unknown }>> }>>;
}

interface Daemon {
  readonly child: ChildProcessWithoutNullStreams;
  readonly api: string;
  readonly metrics: string | undefined;
}

/** A generator capture served live (fresh timestamps) once `start` is called. */
async function replayServer(): Promise<{ address: string; start: () => void; close: () => Promise<void> }> {
  const builder = new CaptureBuilder();
  for (const line of createFlowRun({ flows: FLOWS, seed: 11 }).lines) builder.add(line);
  const source = new ReplaySource(builder.capture(), { rate: 6000, loop: false, capacity: SERVED + 100 });
  const server = new ReplayServer(source, {});
  const address = await server.listen();
  return {
    address,
    start: () => { source.start(); },
    close: async () => {
      source.stop();
      await server.close();
    },
  };
}

async function startDaemon(dir: string, hubble: string, extra: readonly string[]): Promise<Daemon> {
  const child = startCli([
    "serve", "--hubble", hubble, "--policies", join(dir, "policies.yaml"), "--db", join(dir, "graph.db"),
    "--listen", "127.0.0.1:0", "--audit-interval", "1s", "--summary-interval", "1", ...extra,
  ]);
  const text = await waitForOutput(child, (t) => /^api: http:\S+$/m.test(t) && (!extra.includes("127.0.0.1:0") || /^metrics: /m.test(t)), 60_000);
  return { child, api: /^api: (http:\S+)$/m.exec(text)?.[1] ?? "", metrics: /^metrics: (http:\S+)$/m.exec(text)?.[1] };
}

function stopDaemon(daemon: Daemon): Promise<number | null> {
  return new Promise((resolve) => {
    if (daemon.child.exitCode !== null) {
      resolve(daemon.child.exitCode);
      return;
    }
    daemon.child.once("exit", (code) => { resolve(code); });
    daemon.child.kill("SIGTERM");
  });
}

function get(url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
  return fetch(url, { ...init, headers, signal: AbortSignal.timeout(20_000) });
}

async function json(url: string, token?: string): Promise<Record<string, unknown>> {
  const response = await get(url, token);
  const text = await response.text();
  expect(response.status, `${url}: ${text}`).toBe(200);
  return JSON.parse(text) as Record<string, unknown>; // our API's JSON object
}

interface StatusBody {
  readonly ingest: { readonly flows: number; readonly connections: number; readonly storedConnections: number };
  readonly audit: { readonly lastRunAt: string | null };
  readonly stream: { readonly status: string };
}

/**
 * The daemon stores the connections still merging at the end of the stream once Hubble's
 * ServerStatus has confirmed the stream quiet (two answers 2 s apart, asked from 2 s of
 * silence), so every flow is stored when the counts have stood still longer than that.
 */
const QUIET_FLUSH_MS = 7_000;

/** Waits until every flow is stored and an audit ran after that (the API then answers on all of it). */
async function settled(api: string, token: string | undefined): Promise<StatusBody> {
  let stableSince: number | undefined;
  let stableAt = -1;
  let last: StatusBody | undefined;
  for (let i = 0; i < 480; i++) {
    const status = (await json(`${api}/status`, token)) as unknown as StatusBody; // shape checked by the OpenAPI test
    last = status;
    const { flows, connections, storedConnections } = status.ingest;
    if (flows === SERVED && connections > 0 && storedConnections === connections) {
      if (connections !== stableAt) {
        stableAt = connections;
        stableSince = Date.now();
      }
      const since = stableSince ?? Date.now();
      if (Date.now() - since >= QUIET_FLUSH_MS && status.audit.lastRunAt !== null && Date.parse(status.audit.lastRunAt) > since + QUIET_FLUSH_MS) return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the daemon did not store every flow and audit it in time; last status: ${JSON.stringify(last)}`);
}

async function untar(body: ArrayBuffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const parser = new Parser({
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on("data", (c: Buffer) => chunks.push(c));
      entry.on("end", () => files.set(entry.path, Buffer.concat(chunks).toString("utf8")));
    },
  });
  await pipeline(Readable.from([Buffer.from(body)]), parser);
  return files;
}

describe("HTTP API of serve, fed by a replay server over gRPC", () => {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-api-"));
  let replay: Awaited<ReturnType<typeof replayServer>> | undefined;
  let daemon: Daemon | undefined;
  let api = "";
  let base = "";

  beforeAll(async () => {
    writeFileSync(join(dir, "policies.yaml"), DEMO_POLICIES);
    writeFileSync(join(dir, "token"), `${TOKEN}\n`);
    const server = await replayServer();
    replay = server;
    daemon = await startDaemon(dir, server.address, ["--api-token-file", join(dir, "token"), "--metrics-listen", "127.0.0.1:0"]);
    api = daemon.api;
    base = api.replace(/\/api\/v1$/, "");
    // Live replay starts once the daemon follows the stream, so it receives every flow.
    for (let i = 0; i < 240; i++) {
      const ready = await get(`${base}/readyz`);
      if (ready.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    server.start();
    await settled(api, TOKEN);
  }, 180_000);

  afterAll(async () => {
    if (daemon !== undefined) expect(await stopDaemon(daemon)).toBe(0);
    await replay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers health without a token, and everything else only with the right one", async () => {
    expect((await get(`${base}/healthz`)).status).toBe(200);
    const ready = await get(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: { name: string; ok: boolean; reason: string }[] };
    expect(body.status).toBe("ready");
    expect(body.checks.map((c) => c.name)).toEqual(["database", "policies", "hubble-stream"]);
    expect(body.checks.every((c) => c.ok && c.reason !== "")).toBe(true);
    // Public: what is ready, not where the database and policies live or where the relay is.
    expect(body.checks.map((c) => c.reason)).toEqual(["open", expect.stringMatching(/^\d+ policies from files$/) as unknown, "connected"]);
    const published = JSON.stringify(body);
    for (const secret of [dir, replay?.address ?? "?", "graph.db", "policies.yaml"]) expect(published).not.toContain(secret);

    const none = await get(`${api}/status`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await get(`${api}/status`, "wrong")).status).toBe(401);
    expect((await get(`${api}/openapi.json`, `${TOKEN}x`)).status).toBe(401);
    expect((await get(`${api}/status`, TOKEN)).status).toBe(200);
  });

  it("reports stream, ingestion, database, policies and the last audit in status", async () => {
    const status = await json(`${api}/status`, TOKEN);
    expect(status).toMatchObject({
      stream: { status: "connected", reconnects: 0, lastError: null },
      ingest: { flows: SERVED, lostEvents: 0, skipped: 0 },
      graph: { file: join(dir, "graph.db"), retention: "14d" },
      policies: { origin: "files", networkPolicies: 2, ciliumNetworkPolicies: 2, problems: 0 },
      audit: { intervalSeconds: 1, window: "7d" },
    });
    const stream = status.stream as { lagSeconds: number; lastFlowTime: string };
    expect(stream.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(stream.lastFlowTime)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect((status.graph as { bytes: number }).bytes).toBeGreaterThan(0);
  });

  it("serves the observed graph as paged JSON and as DOT", async () => {
    const all = await json(`${api}/graph?limit=1000`, TOKEN);
    const total = all.total as number;
    const edges = all.edges as { source: string; destination: string; protocol: string; port: number; connections: number }[];
    expect(total).toBeGreaterThan(20);
    expect(edges).toHaveLength(total);
    expect(all.nextOffset).toBeUndefined();
    expect(edges).toContainEqual(expect.objectContaining({ source: "shop/Deployment/web", destination: "shop/Deployment/api", protocol: "TCP", port: 8080 }));
    // Pages put together are the whole list, and each page carries the identities its edges name.
    const pages: unknown[] = [];
    for (let offset = 0; offset < total; offset += 7) {
      const page = await json(`${api}/graph?limit=7&offset=${offset}`, TOKEN);
      pages.push(...(page.edges as unknown[]));
      const keys = new Set((page.identities as { key: string }[]).map((i) => i.key));
      for (const e of page.edges as { source: string; destination: string }[]) expect(keys.has(e.source) && keys.has(e.destination)).toBe(true);
      expect(page.nextOffset).toBe(offset + 7 < total ? offset + 7 : undefined);
    }
    expect(pages).toEqual(edges);
    const shop = await json(`${api}/graph?namespace=shop&limit=1000`, TOKEN);
    expect((shop.edges as { source: string; destination: string }[]).every((e) => e.source.startsWith("shop/") || e.destination.startsWith("shop/"))).toBe(true);

    const dot = await get(`${api}/graph?format=dot`, TOKEN);
    expect(dot.headers.get("content-type")).toMatch(/^text\/vnd\.graphviz/);
    expect(await dot.text()).toMatch(/^digraph observed \{[\s\S]*\}\n$/);
  });

  it("lists findings by type and namespace, in pages", async () => {
    const all = await json(`${api}/findings?limit=1000`, TOKEN);
    const findings = all.items as { kind: string; namespace: string; id: string; summary: string }[];
    expect(all.total).toBe(findings.length);
    const kinds = new Set(findings.map((f) => f.kind));
    for (const kind of ["would-be-drop", "policy-drop", "unused-allow", "over-broad-allow"]) expect(kinds, kind).toContain(kind);
    // The demo policies' rule for a "legacy" namespace matches nothing; the nats policy admits the whole cluster.
    expect(findings.map((f) => f.id)).toContain("unused-allow:netpol/shop/postgres:spec.ingress[1]");
    expect(findings.some((f) => f.kind === "over-broad-allow" && f.namespace === "messaging")).toBe(true);
    // grafana → postgres is observed but the postgres policy does not allow it.
    expect(findings.some((f) => f.kind === "would-be-drop" && f.id.includes("shop/StatefulSet/postgres") && JSON.stringify(f).includes("monitoring/Deployment/grafana"))).toBe(true);

    const drops = await json(`${api}/findings?type=would-be-drop,policy-drop&limit=1000`, TOKEN);
    expect((drops.items as { kind: string }[]).map((f) => f.kind)).toEqual(findings.filter((f) => f.kind === "would-be-drop" || f.kind === "policy-drop").map((f) => f.kind));
    const broad = await json(`${api}/findings?type=over-broad`, TOKEN);
    expect((broad.items as { kind: string }[]).every((f) => f.kind === "over-broad-allow")).toBe(true);
    const shop = await json(`${api}/findings?namespace=shop&limit=1000`, TOKEN);
    expect((shop.items as { namespace: string }[]).every((f) => f.namespace === "shop")).toBe(true);
    expect((shop.items as unknown[]).length).toBeGreaterThan(0);

    const first = await json(`${api}/findings?limit=3`, TOKEN);
    const second = await json(`${api}/findings?limit=3&offset=3`, TOKEN);
    expect([...(first.items as unknown[]), ...(second.items as unknown[])]).toEqual(findings.slice(0, 6));
    expect(first.nextOffset).toBe(3);
  });

  it("guards /metrics with the API token: its per-namespace findings say what each namespace allows", async () => {
    const url = daemon?.metrics ?? "";
    const none = await get(url);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.text()).toBe("a bearer token is required (Authorization: Bearer <token>)\n");
    expect((await get(url, "wrong")).status).toBe(401);
    const scraped = await get(url, TOKEN);
    expect(scraped.status).toBe(200);
    expect(parseExposition(await scraped.text()).some((s) => s.name === "hubble_auditor_stream_stalled" && s.value === 0)).toBe(true);
  });

  it("reports readiness per namespace, and the audit gauges agree with the findings", async () => {
    const body = await json(`${api}/namespaces`, TOKEN);
    const namespaces = body.namespaces as { namespace: string; connections: number; surviving: number; findings: Record<string, number> }[];
    const shop = namespaces.find((n) => n.namespace === "shop");
    expect(shop?.connections).toBeGreaterThan(0);
    expect(shop?.surviving).toBeLessThan(shop?.connections ?? 0);

    const findings = await json(`${api}/findings?type=would-be-drop&namespace=shop&limit=1000`, TOKEN);
    const edges = (findings.items as { evidence: { edges: unknown[] } }[]).reduce((n, f) => n + f.evidence.edges.length, 0);
    const scrape = parseExposition(await (await get(daemon?.metrics ?? "", TOKEN)).text());
    const gauge = scrape.find((s) => s.name === "hubble_auditor_would_be_drops" && s.labels.namespace === "shop");
    expect(gauge?.value).toBe(edges);
    expect(scrape.find((s) => s.name === "hubble_auditor_audit_duration_seconds_count")?.value).toBeGreaterThan(0);
  });

  it("recommends policies as JSON, and as YAML and tar.gz attachments that parse back cleanly", async () => {
    const body = await json(`${api}/recommendations?kind=cilium&namespace=shop`, TOKEN);
    const policies = body.policies as { kind: string; metadata: { namespace: string } }[];
    expect(policies.length).toBeGreaterThan(3);
    expect(policies.every((p) => p.kind === "CiliumNetworkPolicy" && p.metadata.namespace === "shop")).toBe(true);

    const yaml = await get(`${api}/recommendations/download?kind=networkpolicy`, TOKEN);
    expect(yaml.headers.get("content-disposition")).toMatch(/^attachment; filename="?hubble-auditor-cluster-networkpolicy\.yaml"?$/);
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    const text = await yaml.text();
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string });
    expect(docs.length).toBeGreaterThan(5);
    expect(docs.every((d) => d.kind === "NetworkPolicy")).toBe(true);
    const parsed = parsePolicyDocuments(parsePolicyText(text, { name: "download", format: "yaml" }).documents);
    expect(parsed.problems).toEqual([]);
    expect(parsed.networkPolicies).toHaveLength(docs.length);

    const tar = await get(`${api}/recommendations/download?format=tar&kind=both`, TOKEN);
    expect(tar.headers.get("content-type")).toBe("application/gzip");
    expect(tar.headers.get("content-disposition")).toMatch(/^attachment; filename="?hubble-auditor-cluster-both\.tar\.gz"?$/);
    const files = await untar(await tar.arrayBuffer());
    expect(files.has("shop.yaml")).toBe(true);
    const kustomization = parseAllDocuments(files.get("kustomization.yaml") ?? "")[0]?.toJS() as { resources: string[] };
    expect(kustomization.resources.sort()).toEqual([...files.keys()].filter((f) => f !== "kustomization.yaml").sort());
    expect(parseAllDocuments(files.get("shop.yaml") ?? "").length).toBeGreaterThan(3);
  });

  it("replays the window through proposed policies with whatif", async () => {
    // The recommendation itself drops nothing that was observed (AUDIT verdicts included on purpose).
    const proposal = await (await get(`${api}/recommendations/download?kind=cilium&includeAudit=true`, TOKEN)).text();
    const clean = await get(`${api}/whatif`, TOKEN, { method: "POST", body: proposal, headers: { "content-type": "application/yaml" } });
    expect(clean.status).toBe(200);
    const report = (await clean.json()) as { dropped: unknown[]; policies: number; problems: string[] };
    expect(report.dropped).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.policies).toBeGreaterThan(5);

    // Default-deny ingress for shop breaks what flows into it.
    const deny = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
    const broken = (await (await get(`${api}/whatif?namespace=shop`, TOKEN, { method: "POST", body: deny, headers: { "content-type": "application/yaml" } })).json()) as { dropped: { subject: string }[] };
    expect(broken.dropped.map((d) => d.subject)).toContain("shop/Deployment/api");

    const asJson = await get(`${api}/whatif`, TOKEN, { method: "POST", body: JSON.stringify({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "d", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } }), headers: { "content-type": "application/json" } });
    expect(asJson.status).toBe(200);
  });

  it.each([
    ["an empty body", "", "application/yaml", 400, "empty-body"],
    ["a body without policies", "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n", "application/yaml", 400, "no-policies"],
    ["broken YAML", "kind: [", "application/yaml", 400, "no-policies"],
    ["a form body", "a=b", "application/x-www-form-urlencoded", 415, "unsupported-media-type"],
    ["a body over the limit", `# ${"x".repeat(5 * 1024 * 1024)}\n`, "application/yaml", 413, "body-too-large"],
  ])("rejects %s in whatif", async (_name, body, type, status, code) => {
    const response = await get(`${api}/whatif`, TOKEN, { method: "POST", body, headers: { "content-type": type } });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it("explains one connection with the rules that decide it", async () => {
    const denied = await json(`${api}/explain?from=shop/web&to=shop/postgres&port=5432`, TOKEN);
    expect(denied).toMatchObject({ verdict: "denied", ingress: { verdict: "denied" }, peers: { from: { resolvedAs: "observed-workload" } } });
    expect(denied.text).toContain("DENIED");
    const allowed = await json(`${api}/explain?from=shop/web&to=shop/api&port=8080/TCP`, TOKEN);
    expect(allowed).toMatchObject({ verdict: "allowed", ingress: { verdict: "allowed" } });
    expect((allowed.ingress as { rules: { policy: { name: string } }[] }).rules.map((r) => r.policy.name)).toEqual(["api"]);
    const world = await json(`${api}/explain?from=203.0.113.7&to=messaging/nats&port=4222`, TOKEN);
    expect(world).toMatchObject({ verdict: "denied", peers: { from: { resolvedAs: "world" } } });
  });

  it.each([
    ["/graph?namepsace=shop", "namepsace"],
    ["/graph?namespace=Shop_1", "namespace"],
    ["/graph?since=yesterday", "since"],
    ["/graph?since=1h&until=2h", "since"],
    ["/graph?format=svg", "format"],
    ["/graph?limit=0", "limit"],
    ["/graph?limit=5000", "limit"],
    ["/graph?offset=-1", "offset"],
    ["/graph?workload=a/b/c/d", "workload"],
    ["/graph?namespace=a&namespace=b", "namespace"],
    ["/findings?type=bogus", "type"],
    ["/findings?until=soon", "until"],
    ["/namespaces?namespace=-x", "namespace"],
    ["/recommendations?kind=calico", "kind"],
    ["/recommendations?l7=maybe", "l7"],
    ["/recommendations?worldPrefix=40", "worldPrefix"],
    ["/recommendations/download?format=zip", "format"],
    ["/explain?to=shop/api&port=80", "from"],
    ["/explain?from=shop/web&to=shop/api&port=http", "port"],
    ["/explain?from=shop/web&to=shop/api&port=70000", "port"],
    ["/explain?from=web&to=shop/api&port=80", "from"],
    ["/status?verbose=1", "verbose"],
  ])("GET %s is a 400 naming %s", async (path, parameter) => {
    const response = await get(`${api}${path}`, TOKEN);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; parameter: string; message: string } };
    expect(body.error).toMatchObject({ code: "bad-parameter", parameter });
    expect(body.error.message.startsWith(`${parameter}: `)).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/at .+\.js:\d+/);
  });

  it("serves its OpenAPI document, and every operation answers as documented", async () => {
    expect(await json(`${api}/openapi.json`, TOKEN)).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: "doc", components: OPENAPI.components });
    const resolve = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
    const MATRIX = "cases:\n  - {name: web calls api, from: {namespace: shop, labels: {app.kubernetes.io/name: web}}, to: {namespace: shop, labels: {app.kubernetes.io/name: api}}, port: 8080, expect: allow}\n";
    const proposal = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
    const paths = (JSON.parse(JSON.stringify(OPENAPI)) as { paths: Record<string, Record<string, Operation>> }).paths; // the document read as JSON, as a client would
    let checked = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const url = (query: Record<string, string>): string => `${base}${path}${Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : ""}`;
        // The policy diff reads a JSON object with the manifests of each side, test a matrix, what-if manifests.
        const body = path === "/api/v1/policies/diff" ? { body: JSON.stringify({ new: proposal }), headers: { "content-type": "application/json" } }
          : path === "/api/v1/test" ? { body: MATRIX, headers: { "content-type": "application/yaml" } }
          : { body: proposal, headers: { "content-type": "application/yaml" } };
        const send = (query: Record<string, string>): Promise<Response> =>
          get(url(query), TOKEN, method === "post" ? { method: "POST", ...body } : {});
        const required = Object.fromEntries(op.parameters.filter((p) => p.required === true).map((p) => [p.name, typeof p.schema.example === "string" ? p.schema.example : ""]));
        // A valid request answers with a documented status and, for JSON, a body of the documented schema.
        const response = await send(required);
        const documented = op.responses[String(response.status)];
        expect(documented, `${method} ${path} answered ${response.status}`).toBeDefined();
        const type = response.headers.get("content-type") ?? "";
        const schema = documented?.content?.["application/json"]?.schema;
        if (type.startsWith("application/json") && schema !== undefined) {
          const validate = ajv.compile(resolve(schema) as object);
          expect(validate(await response.json()), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        } else {
          expect(Object.keys(documented?.content ?? {}).some((t) => type.startsWith(t)), `${method} ${path}: ${type}`).toBe(true);
          await response.arrayBuffer();
        }
        // Every documented parameter is read and checked; an undocumented one is refused.
        for (const p of op.parameters) {
          const bad = await send({ ...required, [p.name]: "%bad value%" });
          expect(bad.status, `${method} ${path} ${p.name}`).toBe(400);
          expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe(p.name);
        }
        const unknown = await send({ ...required, undocumented: "1" });
        expect(unknown.status, `${method} ${path} undocumented`).toBe(op.parameters.length === 0 && !path.startsWith("/api/") ? 200 : 400);
        await unknown.arrayBuffer();
        checked++;
      }
    }
    expect(checked).toBe(13);
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await get(`${api}/nothing-here`, TOKEN);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not-found");
  });
});

describe("HTTP API without a token file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-api-open-"));
  const daemons: Daemon[] = [];
  afterAll(async () => {
    for (const d of daemons) await stopDaemon(d);
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers without authentication while Hubble is unreachable, and readiness says why", async () => {
    writeFileSync(join(dir, "policies.yaml"), DEMO_POLICIES);
    // Nothing listens on this port: the stream retries (within limits), so the daemon is still ready.
    const daemon = await startDaemon(dir, "127.0.0.1:1", ["--metrics-listen", "off"]);
    daemons.push(daemon);
    const status = await json(`${daemon.api}/status`);
    expect(["connecting", "reconnecting"]).toContain((status.stream as { status: string }).status);
    expect((status.ingest as { flows: number }).flows).toBe(0);
    const ready = (await (await get(daemon.api.replace(/\/api\/v1$/, "/readyz"))).json()) as { checks: { name: string; ok: boolean; reason: string }[] };
    const stream = ready.checks.find((c) => c.name === "hubble-stream");
    expect(stream?.ok).toBe(true);
    expect(stream?.reason).toMatch(/^(connecting|reconnecting for \d+s \(not ready after 300s\); \/status has the last error)$/);
    expect(JSON.stringify(ready)).not.toContain("127.0.0.1:1");
    expect(readFileSync(join(dir, "policies.yaml"), "utf8")).toBe(DEMO_POLICIES);
    const findings = await json(`${daemon.api}/findings`);
    expect(findings.total).toBe((findings.items as unknown[]).length);
  });
});

describe("the OpenAPI document", () => {
  it("lists exactly the routes the app serves", () => {
    const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-openapi-"));
    const store = openGraphStore({ path: join(dir, "graph.db") });
    try {
      const analysis = new Analysis({ store, policies: () => undefined, now: Date.now, defaultSince: "7d" });
      const app = createApiApp({ analysis: new LocalAnalysisService(analysis, store), status: () => { throw new Error("not called"); }, checks: () => [], logger: pino({ level: "silent" }) });
      const served = routesOf(app.router).sort();
      const documented = Object.entries(OPENAPI.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)).sort();
      expect(served).toEqual(documented);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface RouterLike {
  readonly stack: readonly unknown[];
}

function isRouter(value: unknown): value is RouterLike {
  return (typeof value === "function" || typeof value === "object") && value !== null && "stack" in value && Array.isArray(value.stack);
}

/** `METHOD /path` of every route registered in an express router, nested routers included. */
function routesOf(router: unknown): string[] {
  if (!isRouter(router)) return [];
  return router.stack.flatMap((layer) => {
    if (typeof layer !== "object" || layer === null) return [];
    if ("route" in layer && typeof layer.route === "object" && layer.route !== null && "path" in layer.route && "methods" in layer.route) {
      const { path, methods } = layer.route;
      if (typeof path !== "string" || typeof methods !== "object" || methods === null) return [];
      return Object.keys(methods).filter((m) => m !== "_all").map((m) => `${m.toUpperCase()} ${path}`);
    }
    return "handle" in layer ? routesOf(layer.handle) : [];
  });
}
