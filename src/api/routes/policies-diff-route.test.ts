import { Ajv2020 } from "ajv/dist/2020.js";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { GraphWriter, openGraphStore } from "../../graph/index.js";
import { connection, workload } from "../../graph/testdata/connections.js";
import { parsePolicyText } from "../../policy/sources/index.js";
import { Analysis } from "../analysis.js";
import { LocalAnalysisService } from "../analysis-service.js";
import { createApiApp } from "../app.js";
import { OPENAPI } from "../openapi.js";
import { policySnapshotOf } from "../policy-snapshot.js";
import { injectRequest } from "../testdata/inject-request.js";

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

// The current policies let web and batch reach api on 8080.
const CURRENT = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}, {podSelector: {matchLabels: {app: batch}}}], ports: [{port: 8080}]}]
`;
// The proposal drops the batch peer.
const WEB_ONLY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
`;
const DENY_ALL = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";

const store = openGraphStore({ path: ":memory:" });
afterAll(() => { store.close(); });
const writer = new GraphWriter(store);
void writer.accept([
  connection(T0 + HOUR, workload("shop", "web"), workload("shop", "api")),
  connection(T0 + HOUR, workload("shop", "batch"), workload("shop", "api")),
]);
writer.close();

function appWith(policies: string | undefined) {
  const snapshot = policies === undefined ? undefined : policySnapshotOf(parsePolicyText(policies, { name: "current", format: "yaml" }).documents, { origin: "files", semantics: "cilium", nowMs: 0, sourceProblems: 0 });
  const analysis = new Analysis({ store, policies: () => snapshot, now: () => T0 + 2 * HOUR, defaultSince: "7d" });
  analysis.refresh();
  return createApiApp({ analysis: new LocalAnalysisService(analysis, store), status: () => { throw new Error("not called"); }, checks: () => [], logger: pino({ level: "silent" }), bodyLimitBytes: 65_536 });
}
const app = appWith(CURRENT);

const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema({ $id: "doc", components: OPENAPI.components });
type Operation = { readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: unknown }>> }>> };
const operation: Operation = OPENAPI.paths["/api/v1/policies/diff"].post;
const documented = JSON.parse(JSON.stringify(operation.responses["200"]?.content?.["application/json"]?.schema).replaceAll('"#/components/', '"doc#/components/')) as object; // a schema of the document
const validate = ajv.compile(documented);

interface DiffJson {
  readonly old: string;
  readonly new: string;
  readonly compared: number;
  readonly changes: readonly { from: string; to: string; protocol: string; port: number; change: string; old: { ingress: { text: string } }; new: { ingress: { text: string } } }[];
  readonly problems: readonly string[];
}

async function post(body: unknown, options: { readonly type?: string; readonly query?: string; readonly to?: typeof app } = {}): Promise<{ status: number; json: unknown }> {
  const response = await injectRequest(options.to ?? app, {
    method: "POST", path: `/api/v1/policies/diff${options.query ?? ""}`, body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": options.type ?? "application/json" },
  });
  return { status: response.status, json: JSON.parse(response.text) };
}

async function diff(body: unknown): Promise<DiffJson> {
  const { status, json } = await post(body);
  expect(status, JSON.stringify(json)).toBe(200);
  expect(validate(json), ajv.errorsText(validate.errors)).toBe(true);
  return json as DiffJson; // checked against the documented schema above
}

describe("POST /api/v1/policies/diff", () => {
  it("compares proposed policies with the current ones over the window's observed connections", async () => {
    const json = await diff({ new: WEB_ONLY });
    expect([json.old, json.new, json.compared]).toEqual(["current policies", "request body.new", 2]);
    expect(json.changes.map((c) => `${c.from} -> ${c.to} ${c.protocol}/${c.port} ${c.change}`)).toEqual(["shop/Deployment/batch -> shop/Deployment/api TCP/8080 allowed-to-denied"]);
    expect(json.changes[0]?.old.ingress.text).toBe("ingress allowed by netpol/shop/api spec.ingress[0].from[1]");
    expect(json.changes[0]?.new.ingress.text).toBe("ingress denied by default: isolated by netpol/shop/api, no rule allows it");
    expect(json.problems).toEqual([]);
  });

  it("a given old side against the current policies: what applying the current ones opened", async () => {
    const json = await diff({ old: DENY_ALL });
    expect(json.changes.map((c) => `${c.from} ${c.change}`)).toEqual(["shop/Deployment/batch denied-to-allowed", "shop/Deployment/web denied-to-allowed"]);
  });

  it("two given sides leave the current policies out; an empty side is a set without policies", async () => {
    const json = await diff({ old: "", new: DENY_ALL });
    // Without any policy nothing is isolated: both connections were allowed.
    expect(json.changes.map((c) => `${c.from} ${c.change}`)).toEqual(["shop/Deployment/batch allowed-to-denied", "shop/Deployment/web allowed-to-denied"]);
    expect((await post({ new: WEB_ONLY }, { to: appWith(undefined) })).status).toBe(503);
    expect((await diff({ old: WEB_ONLY, new: WEB_ONLY })).changes).toEqual([]);
  });

  it.each([
    [{}, 400, "request body: give old, new or both (a side left out is the current policies)"],
    [{ proposed: WEB_ONLY }, 400, "request body.proposed: unknown field; the fields are old and new"],
    [{ new: 7 }, 400, "request body.new: must be a string of YAML or JSON manifests"],
    [[WEB_ONLY], 400, 'the request body must be a JSON object: {"old": manifests, "new": manifests}'],
    ["{not json", 400, "the request body is not JSON: "],
  ])("refuses the body %j with %i naming the field", async (body, status, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect((response.json as { error: { message: string } }).error.message).toContain(message);
  });

  it("a side whose text does not parse is a 400 naming it and the line", async () => {
    const response = await post({ new: "kind: [unclosed\n" });
    expect(response.status).toBe(400);
    expect((response.json as { error: { code: string; message: string } }).error).toMatchObject({ code: "no-policies", message: expect.stringMatching(/^request body\.new holds no NetworkPolicy.*problems: request body\.new, document 0, line \d+: /) as unknown });
  });

  it("reads JSON only (415 otherwise) and checks the window parameters (400)", async () => {
    const response = await post(WEB_ONLY, { type: "application/yaml" });
    expect(response.status).toBe(415);
    expect((response.json as { error: { message: string } }).error.message).toBe("the request body's Content-Type must be application/json; got application/yaml");
    expect((await post({ new: WEB_ONLY }, { query: "?since=soon" })).status).toBe(400);
    expect((await post({ new: WEB_ONLY }, { query: "?bogus=1" })).status).toBe(400);
  });
});
