import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openGraphStore } from "../graph/index.js";
import { Analysis } from "./analysis.js";
import { LocalAnalysisService } from "./analysis-service.js";
import { createApiApp } from "./app.js";
import { BODY_ENCODINGS } from "./body-errors.js";
import { OPENAPI } from "./openapi.js";
import { injectRequest } from "./testdata/inject-request.js";
import type { InjectedRequest, InjectedResponse } from "./testdata/inject-request.js";

const POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
const LIMIT = 64 * 1024;

const store = openGraphStore({ path: ":memory:" });
afterAll(() => { store.close(); });
const analysis = new Analysis({ store, policies: () => undefined, now: () => Date.UTC(2026, 5, 1), defaultSince: "7d" });
const app = createApiApp({
  analysis: new LocalAnalysisService(analysis, store), status: () => { throw new Error("not called"); }, checks: () => [], logger: pino({ level: "silent" }), bodyLimitBytes: LIMIT,
});

interface ErrorJson {
  readonly error: { readonly status: number; readonly code: string; readonly message: string; readonly parameter?: string };
}

async function send(request: InjectedRequest): Promise<InjectedResponse & { readonly json: unknown }> {
  const response = await injectRequest(app, request);
  return { ...response, json: response.headers.get("content-type")?.startsWith("application/json") === true ? JSON.parse(response.text) : undefined };
}

async function failure(request: InjectedRequest): Promise<{ readonly status: number; readonly error: ErrorJson["error"] }> {
  const response = await send(request);
  return { status: response.status, error: (response.json as ErrorJson).error }; // our error middleware's body
}

const whatif = (body: Buffer | string, headers: Readonly<Record<string, string>>): InjectedRequest => ({ method: "POST", path: "/api/v1/whatif", body, headers });

describe("request bodies", () => {
  it.each([
    ["gzip", Buffer.from("not gzip at all")],
    ["deflate", Buffer.from("not deflate either")],
    ["br", Buffer.from("garbage that is no brotli stream")],
    ["gzip", gzipSync(POLICY).subarray(0, 20)],
  ])("a body that is not valid %s data is a 400 naming the body and its Content-Encoding", async (encoding, body) => {
    const { status, error } = await failure(whatif(body, { "content-type": "application/yaml", "content-encoding": encoding }));
    expect(status).toBe(400);
    expect(error.code).toBe("bad-body-encoding");
    expect(error.message).toMatch(new RegExp(`^the request body is not valid ${encoding} data \\(Content-Encoding: ${encoding}\\): \\S`));
  });

  it("reads a body in each Content-Encoding it documents", async () => {
    const compress: Readonly<Record<string, (b: Buffer) => Buffer>> = { identity: (b) => b, gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const encoding of BODY_ENCODINGS.filter((e) => e in compress)) {
      const response = await send(whatif(compress[encoding]?.(Buffer.from(POLICY)) ?? Buffer.alloc(0), { "content-type": "application/yaml", "content-encoding": encoding }));
      expect(response.status, `${encoding}: ${response.text}`).toBe(200);
      expect((response.json as { policies: number }).policies).toBe(1);
    }
  });

  it("answers an unsupported Content-Encoding with a 415 naming it and the ones it reads", async () => {
    const { status, error } = await failure(whatif(Buffer.from(POLICY), { "content-type": "application/yaml", "content-encoding": "compress" }));
    expect(status).toBe(415);
    expect(error).toMatchObject({ code: "unsupported-encoding" });
    expect(error.message).toBe(`the request body's Content-Encoding "compress" is not supported; send it uncompressed or as ${BODY_ENCODINGS.filter((e) => e !== "identity").join(", ")}`);
  });

  it("answers a charset it cannot decode with a 415 naming the charset", async () => {
    const { status, error } = await failure(whatif(POLICY, { "content-type": "application/yaml; charset=x-unknown-8" }));
    expect(status).toBe(415);
    expect(error.code).toBe("unsupported-charset");
    expect(error.message).toContain('"x-unknown-8"');
  });

  it("bounds a compressed body by its decompressed size", async () => {
    const big = `${POLICY}# ${"x".repeat(2 * LIMIT)}\n`;
    const { status, error } = await failure(whatif(gzipSync(big), { "content-type": "application/yaml", "content-encoding": "gzip" }));
    expect(status).toBe(413);
    expect(error.message).toBe(`the request body is larger than the limit of ${LIMIT} bytes (after decompression)`);
  });
});

describe("what-if content types", () => {
  const documented = Object.keys(OPENAPI.paths["/api/v1/whatif"].post.requestBody.content);

  it("reads the body in every content type the OpenAPI document lists", async () => {
    expect(documented).toEqual(["application/yaml", "application/x-yaml", "application/json"]);
    for (const type of documented) {
      const body = type === "application/json" ? JSON.stringify({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "d", namespace: "shop" }, spec: { podSelector: {} } }) : POLICY;
      const response = await send(whatif(body, { "content-type": `${type}; charset=utf-8` }));
      expect(response.status, `${type}: ${response.text}`).toBe(200);
    }
  });

  it.each([
    // A cross-site form or fetch can send these three without a CORS preflight.
    ["text/plain"], ["text/plain; charset=utf-8"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"],
    ["text/yaml"], ["application/octet-stream"], [undefined],
  ])("refuses Content-Type %s with a 415 naming the types it reads", async (type) => {
    const { status, error } = await failure(whatif(POLICY, type === undefined ? {} : { "content-type": type }));
    expect(status).toBe(415);
    expect(error.message).toBe(`the request body's Content-Type must be ${documented.join(", ")}; got ${type ?? "none"}`);
  });

  it("documents a body and its content types only for the POST routes: what-if, test, and policy diffs (JSON only)", () => {
    const posts = Object.entries(OPENAPI.paths).flatMap(([path, item]) => ("post" in item ? [path] : []));
    expect([...posts].sort()).toEqual(["/api/v1/policies/diff", "/api/v1/test", "/api/v1/whatif"]);
    expect(Object.keys(OPENAPI.paths["/api/v1/policies/diff"].post.requestBody.content)).toEqual(["application/json"]);
  });
});

describe("query parameters", () => {
  const paths: Readonly<Record<string, Readonly<Record<string, { readonly parameters: readonly { readonly name: string }[] }>>>> = OPENAPI.paths;
  const windowed = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, op]) => (op.parameters.some((p) => p.name === "since") ? [{ path, method: method === "post" ? "POST" as const : "GET" as const }] : [])));

  it.each(["since", "until"])("an empty %s is a 400 naming it, on every route that takes it", async (parameter) => {
    expect(windowed.length).toBeGreaterThan(5);
    for (const { path, method } of windowed) {
      const body = path === "/api/v1/policies/diff" ? { body: JSON.stringify({ new: POLICY }), headers: { "content-type": "application/json" } } : { body: POLICY, headers: { "content-type": "application/yaml" } };
      const { status, error } = await failure({ method, path: `${path}?${parameter}=`, ...(method === "POST" ? body : {}) });
      expect(status, `${method} ${path}`).toBe(400);
      expect(error).toEqual({ status: 400, code: "bad-parameter", parameter, message: `${parameter}: is empty; give a value or leave the parameter out` });
    }
  });

  it.each(["limit", "offset"])("%s is checked against the range its error and the OpenAPI document state", async (parameter) => {
    const schema = OPENAPI.paths["/api/v1/graph"].get.parameters.find((p) => p.name === parameter)?.schema as { minimum: number; maximum: number };
    const range = `${parameter}: must be an integer from ${schema.minimum} to ${schema.maximum}`;
    for (const value of [schema.minimum, schema.maximum]) {
      const response = await send({ method: "GET", path: `/api/v1/graph?${parameter}=${value}` });
      expect(response.status, `${parameter}=${value}: ${response.text}`).toBe(200);
    }
    for (const [value, shown] of [[String(schema.minimum - 1), String(schema.minimum - 1)], [(BigInt(schema.maximum) + 1n).toString(), (BigInt(schema.maximum) + 1n).toString()], ["1e3", '"1e3"'], ["12.0", '"12.0"']] as const) {
      const { status, error } = await failure({ method: "GET", path: `/api/v1/graph?${parameter}=${value}` });
      expect(status).toBe(400);
      expect(error.message).toBe(`${range}, got ${shown}`);
    }
  });

  it("reads an offset of any number of digits within its range", async () => {
    const response = await send({ method: "GET", path: "/api/v1/graph?offset=1000000000000000" });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ offset: 1_000_000_000_000_000, total: 0, edges: [] });
  });
});
