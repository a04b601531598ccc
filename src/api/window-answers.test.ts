import { Ajv2020 } from "ajv/dist/2020.js";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { GraphWriter, openGraphStore } from "../graph/index.js";
import { connection, workload } from "../graph/testdata/connections.js";
import { parsePolicyText } from "../policy/sources/index.js";
import { Analysis } from "./analysis.js";
import { LocalAnalysisService } from "./analysis-service.js";
import { createApiApp } from "./app.js";
import { OPENAPI } from "./openapi.js";
import { policySnapshotOf } from "./policy-snapshot.js";
import { injectRequest } from "./testdata/inject-request.js";

const POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

// web→api at 00:00:10 and 00:00:20, at 00:30 and at 00:59:59.
const store = openGraphStore({ path: ":memory:" });
afterAll(() => { store.close(); });
const writer = new GraphWriter(store);
void writer.accept([T0 + 10_000, T0 + 20_000, T0 + 30 * MINUTE, T0 + 60 * MINUTE - 1000].map((t) => connection(t, workload("shop", "web"), workload("shop", "api"))));
writer.close();
const policies = policySnapshotOf(parsePolicyText(POLICY, { name: "test", format: "yaml" }).documents, { origin: "files", semantics: "cilium", nowMs: 0, sourceProblems: 0 });
const analysis = new Analysis({ store, policies: () => policies, now: () => T0 + 2 * 3_600_000, defaultSince: "7d" });
analysis.refresh();
const app = createApiApp({
  analysis: new LocalAnalysisService(analysis, store), status: () => { throw new Error("not called"); }, checks: () => [], logger: pino({ level: "silent" }), bodyLimitBytes: 65_536,
});

type Operation = { readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: unknown }>> }>> };
const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema({ $id: "doc", components: OPENAPI.components });

/** The documented 200 schema of an operation, with its references resolved against the document. */
function documented(path: string, method: "get" | "post"): unknown {
  const paths: Readonly<Record<string, Readonly<Record<string, Operation>>>> = OPENAPI.paths;
  const schema = paths[path]?.[method]?.responses["200"]?.content?.["application/json"]?.schema;
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
}

const ANSWERS = [
  ["/api/v1/graph", "get"],
  ["/api/v1/findings", "get"],
  ["/api/v1/namespaces", "get"],
  ["/api/v1/recommendations", "get"],
  ["/api/v1/whatif", "post"],
] as const;

async function answer(path: string, method: "get" | "post", query: string): Promise<{ status: number; json: { window?: unknown; edges?: { connections: number }[] } }> {
  const response = await injectRequest(app, method === "get"
    ? { method: "GET", path: `${path}?${query}` }
    : { method: "POST", path: `${path}?${query}`, body: POLICY, headers: { "content-type": "application/yaml" } });
  const json: unknown = JSON.parse(response.text);
  const validate = ajv.compile(documented(path, method) as object); // a schema object of the document
  expect(validate(json), `${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return { status: response.status, json: json as { window?: unknown; edges?: { connections: number }[] } }; // checked against the schema above
}

describe("windowed answers", () => {
  it.each(ANSWERS)("%s states the window asked for when its counts cover exactly that", async (path, method) => {
    const { status, json } = await answer(path, method, "since=2026-01-01T00:30:00Z&until=2026-01-01T01:00:00Z");
    expect(status).toBe(200);
    expect(json.window).toEqual({ since: "2026-01-01T00:30:00.000Z", until: "2026-01-01T01:00:00.000Z" });
    if (path === "/api/v1/graph") expect(json.edges?.map((e) => e.connections)).toEqual([2]);
  });

  it.each(ANSWERS)("%s states the widened window and why when a bound cuts a minute", async (path, method) => {
    const { json } = await answer(path, method, "since=2026-01-01T00:00:15Z&until=2026-01-01T01:00:00Z");
    expect(json.window).toEqual({
      since: "2026-01-01T00:00:00.000Z", until: "2026-01-01T01:00:00.000Z",
      note: "widened since 2026-01-01T00:00:15.000Z to 2026-01-01T00:00:00.000Z: the graph counts traffic per minute, and a minute's counts cannot be split",
    });
    if (path === "/api/v1/graph") expect(json.edges?.map((e) => e.connections)).toEqual([4]);
  });

  it("documents the note among the window's properties", () => {
    const graph = documented("/api/v1/graph", "get") as { properties: { window: { properties: Record<string, unknown> } } }; // the document's graph schema
    expect(Object.keys(graph.properties.window.properties)).toEqual(["since", "until", "note"]);
  });
});
