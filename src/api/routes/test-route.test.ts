import { Ajv2020 } from "ajv/dist/2020.js";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { WorkloadIdentity } from "../../flows/index.js";
import { GraphWriter, openGraphStore } from "../../graph/index.js";
import { connection, workload } from "../../graph/testdata/connections.js";
import { parsePolicyText } from "../../policy/sources/index.js";
import { SEED_POLICIES } from "../../policy-tests/testdata/seed-policies.js";
import { parseXml } from "../../policy-tests/testdata/xml-tree.js";
import { Analysis } from "../analysis.js";
import { LocalAnalysisService } from "../analysis-service.js";
import { createApiApp } from "../app.js";
import { OPENAPI } from "../openapi.js";
import { policySnapshotOf } from "../policy-snapshot.js";
import { injectRequest, type InjectedResponse } from "../testdata/inject-request.js";

const NOW = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000;
const store = openGraphStore({ path: ":memory:" });
afterAll(() => { store.close(); });
const writer = new GraphWriter(store);
const coredns: WorkloadIdentity = { ...workload("kube-system", "coredns"), ciliumLabels: [...workload("kube-system", "coredns").ciliumLabels, "k8s:k8s-app=kube-dns"] };
void writer.accept([
  connection(NOW - 2 * HOUR, workload("shop", "web"), workload("shop", "api")),
  connection(NOW - 2 * HOUR, workload("shop", "web"), workload("shop", "postgres"), { port: 5432 }),
  connection(NOW - 2 * HOUR, workload("shop", "web"), coredns, { port: 53, protocol: "UDP" }),
]);
writer.close();
const snapshot = policySnapshotOf(parsePolicyText(SEED_POLICIES, { name: "seed", format: "yaml" }).documents, { origin: "files", semantics: "cilium", nowMs: 0, sourceProblems: 0 });

function appWith(policies: typeof snapshot | undefined): ReturnType<typeof createApiApp> {
  const analysis = new Analysis({ store, policies: () => policies, now: () => NOW, defaultSince: "7d" });
  analysis.refresh();
  return createApiApp({ analysis: new LocalAnalysisService(analysis, store), status: () => { throw new Error("not called"); }, checks: () => [], logger: pino({ level: "silent" }), bodyLimitBytes: 65_536 });
}
const app = appWith(snapshot);

const MATRIX = `cases:
  - {name: web calls api, from: shop/web, to: shop/api, port: 8080, expect: allow}
  - {name: web may not reach the database, from: shop/web, to: shop/postgres, port: 5432, expect: deny}
  - {name: dns over TCP, from: shop/web, to: kube-system/coredns, port: 53, protocol: TCP, expect: allow}
`;

function post(body: string, query = "", type = "application/yaml", target = app): Promise<InjectedResponse> {
  return injectRequest(target, { method: "POST", path: `/api/v1/test${query}`, body, headers: { "content-type": type } });
}

type Operation = { readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: unknown }>> }>> };

describe("POST /api/v1/test", () => {
  it("decides each case with the current policies and checks it against the window's traffic, in the documented shape", async () => {
    const response = await post(MATRIX, "?since=1d");
    expect(response.status, response.text).toBe(200);
    const json = JSON.parse(response.text) as { window: unknown; summary: unknown; results: { name: string; status: string; rule: string; history?: { kind: string } }[] };
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const paths: Readonly<Record<string, Readonly<Record<string, Operation>>>> = OPENAPI.paths;
    const validate = ajv.compile(paths["/api/v1/test"]?.post?.responses["200"]?.content?.["application/json"]?.schema as object); // the documented schema, no references
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true);
    expect(json.window).toEqual({ since: new Date(NOW - 24 * HOUR).toISOString(), until: new Date(NOW).toISOString() });
    expect(json.results.map((r) => `${r.name}: ${r.status} ${r.history?.kind ?? "-"}`)).toEqual([
      "web calls api: pass observed",
      "web may not reach the database: fail observed-forwarded",
      "dns over TCP: warn stale",
    ]);
    expect(json.summary).toEqual({ cases: 3, passed: 2, failed: 1, warnings: 1 });
  });

  it("without history, only the policies decide; JUnit and TAP on request", async () => {
    const json = JSON.parse((await post(MATRIX, "?history=false")).text) as { window?: unknown; summary: unknown };
    expect(json.window).toBeUndefined();
    expect(json.summary).toEqual({ cases: 3, passed: 3, failed: 0, warnings: 0 });
    const junit = await post(MATRIX, "?format=junit");
    expect(junit.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(parseXml(junit.text).attributes).toMatchObject({ tests: "3", failures: "1" });
    const tap = await post(MATRIX, "?format=tap&history=false");
    expect(tap.text.split("\n").slice(0, 3)).toEqual(["TAP version 13", "1..3", "ok 1 - web calls api"]);
  });

  it("reads a JSON matrix", async () => {
    const body = JSON.stringify({ cases: [{ from: "shop/web", to: "shop/postgres", port: 5432, expect: "deny" }] });
    const json = JSON.parse((await post(body, "?history=false", "application/json")).text) as { results: { status: string }[] };
    expect(json.results.map((r) => r.status)).toEqual(["pass"]);
  });

  it.each([
    ["cases:\n  - {from: shop/web, to: shop/api, port: 99999, expect: allow}\n", 'the matrix has 1 problem: request body:2: cases[0].port: must be a port number (1-65535), a range such as 8000-8080, or a port name, got "99999"'],
    ["cases:\n  - {from: shop/nobody, to: shop/api, port: 80, expect: allow}\n", "the matrix has 1 problem: request body:2: cases[0].from: workload shop/nobody: not observed in the window and no Pod object in the policy inputs (widen the window, or write the endpoint as {namespace, labels})"],
  ])("a bad matrix is a 400 naming line and field", async (body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ error: { status: 400, code: "bad-matrix", message } });
  });

  it("refuses a body it does not read, and answers 503 before the policies are loaded", async () => {
    expect((await post(MATRIX, "", "text/plain")).status).toBe(415);
    const early = await post(MATRIX, "", "application/yaml", appWith(undefined));
    expect(early.status).toBe(503);
    expect((JSON.parse(early.text) as { error: { code: string } }).error.code).toBe("policies-not-loaded");
  });
});
