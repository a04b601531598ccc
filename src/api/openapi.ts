import { FINDING_KINDS } from "../audit/index.js";
import { BODY_ENCODINGS } from "./body-errors.js";
import { JSON_TYPES, YAML_TYPES } from "./body-types.js";
import { OFFSET_MAX, PAGE_LIMITS } from "./pagination.js";

/** Finding types the `type` parameter takes: the audit's kinds, plus `over-broad` for `over-broad-allow`. */
export const FINDING_TYPES: readonly string[] = [...FINDING_KINDS, "over-broad"];

type Schema = Readonly<Record<string, unknown>>;

interface Parameter {
  readonly name: string;
  readonly in: "query";
  readonly required?: boolean;
  readonly description: string;
  readonly schema: Schema;
}

const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });

const P = {
  namespace: { name: "namespace", in: "query", description: "only this namespace (an RFC 1123 label)", schema: str("namespace name", { pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" }) },
  since: { name: "since", in: "query", description: "start of the window: a duration ago (24h, 7d, 90m) or an RFC 3339 time; default: the daemon's --audit-window", schema: str("duration or RFC 3339 time", { example: "24h" }) },
  until: { name: "until", in: "query", description: "end of the window (exclusive; default now): a duration ago or an RFC 3339 time", schema: str("duration or RFC 3339 time") },
  limit: { name: "limit", in: "query", description: `page size (${PAGE_LIMITS.min}-${PAGE_LIMITS.max}, default ${PAGE_LIMITS.fallback})`, schema: { type: "integer", minimum: PAGE_LIMITS.min, maximum: PAGE_LIMITS.max, default: PAGE_LIMITS.fallback } },
  offset: { name: "offset", in: "query", description: "items to skip (default 0)", schema: { type: "integer", minimum: 0, maximum: OFFSET_MAX, default: 0 } },
  kind: { name: "kind", in: "query", description: "policy kinds to generate", schema: { type: "string", enum: ["networkpolicy", "cilium", "both"], default: "both" } },
  l7: { name: "l7", in: "query", description: "add CiliumNetworkPolicy HTTP rules from observed methods and paths", schema: { type: "boolean", default: false } },
  portRanges: { name: "portRanges", in: "query", description: "merge runs of contiguous observed ports into port ranges", schema: { type: "boolean", default: false } },
  includeDrops: { name: "includeDrops", in: "query", description: "also allow connections Hubble reported dropped", schema: { type: "boolean", default: false } },
  includeAudit: { name: "includeAudit", in: "query", description: "also allow connections with an AUDIT verdict (a policy in audit mode would deny them)", schema: { type: "boolean", default: false } },
  worldPrefix: { name: "worldPrefix", in: "query", description: "aggregate world IPv4 addresses to this prefix length", schema: { type: "integer", minimum: 8, maximum: 32, default: 32 } },
} as const satisfies Record<string, Parameter>;

const recommendParameters: readonly Parameter[] = [P.namespace, P.since, P.until, P.kind, P.l7, P.portRanges, P.includeDrops, P.includeAudit, P.worldPrefix];

const json = (schema: Schema, description: string): Schema => ({ description, content: { "application/json": { schema } } });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const errors = (...statuses: readonly number[]): Record<string, Schema> => {
  const text: Record<number, string> = {
    400: "a parameter or the body is invalid (the error names it)", 401: "a bearer token is required or wrong", 413: "the body is too large",
    415: "the body's Content-Type, charset or Content-Encoding is not one the endpoint reads", 500: "internal error (details only in the daemon's log)", 503: "the policy model is not loaded yet",
  };
  return Object.fromEntries(statuses.map((s) => [String(s), json(ref("Error"), text[s] ?? "error")]));
};
// The window the answer covers: the one asked for, or wider where the graph's buckets reach
// across a bound (a minute at each end; an hour over hour-resolution data), then with a note.
const window = {
  type: "object", required: ["since", "until"],
  description: "the window the answer's counts cover: the one asked for, or wider (whole minutes, or whole hours over hour-resolution data) with a note saying why",
  properties: {
    since: { type: "string", format: "date-time" }, until: { type: "string", format: "date-time" },
    note: { type: "string", description: "present when the window is wider than asked: which bounds moved, from what to what, and why" },
  },
};
const page = (item: Schema): Schema => ({
  type: "object",
  required: ["total", "offset", "limit", "items"],
  properties: { total: { type: "integer" }, offset: { type: "integer" }, limit: { type: "integer" }, nextOffset: { type: "integer" }, items: { type: "array", items: item } },
});

const check = { type: "object", required: ["name", "ok", "reason"], properties: { name: { type: "string" }, ok: { type: "boolean" }, reason: { type: "string" } } };

/** The API's OpenAPI 3.1 document, served at /api/v1/openapi.json. A test keeps it true to the routes. */
export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "hubble-auditor",
    version: "1",
    description:
      "Observed Cilium Hubble traffic against the cluster's network policies: the observed graph, audit findings, readiness for default-deny, least-privilege recommendations, what-if replays and diffs of policy sets. Findings and recommendations are computed as of the last periodic refresh (generatedAt). Every endpoint but /healthz and /readyz needs `Authorization: Bearer <token>` when the daemon runs with --api-token-file.",
  },
  servers: [{ url: "/" }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["status", "code", "message"],
            properties: { status: { type: "integer" }, code: { type: "string" }, message: { type: "string" }, parameter: { type: "string" } },
          },
        },
      },
      Health: { type: "object", required: ["status", "checks"], properties: { status: { type: "string", enum: ["ok", "ready", "not-ready"] }, checks: { type: "array", items: check } } },
      Status: {
        type: "object",
        required: ["version", "startedAt", "stream", "ingest", "graph", "policies", "audit"],
        properties: {
          version: { type: "string" },
          startedAt: { type: "string", format: "date-time" },
          stream: {
            type: "object",
            required: ["address", "status", "lastFlowTime", "lagSeconds", "behindSeconds", "paused", "queued", "reconnects", "lostEvents"],
            properties: {
              address: { type: "string" },
              status: { type: "string", enum: ["starting", "connecting", "connected", "stalled", "reconnecting", "stopped"], description: "stalled: connected, but nothing arrives for --stall-after while Hubble's ServerStatus shows flows (or does not answer)" },
              lastFlowTime: { type: ["string", "null"] }, lagSeconds: { type: ["number", "null"] },
              behindSeconds: { type: ["number", "null"], description: "flow time between the newest flow received and the newest committed to the graph (how far the writer is behind the stream head)" },
              paused: { type: "boolean", description: "reading is paused because ingestion is behind (gRPC flow control)" },
              queued: { type: "integer", description: "events received and waiting for the ingest loop (bounded)" },
              reconnects: { type: "integer" }, lostEvents: { type: "object", additionalProperties: { type: "integer" } }, lastError: { type: ["string", "null"] },
            },
          },
          ingest: {
            type: "object",
            required: ["flows", "connections", "lostEvents", "skipped"],
            properties: { flows: { type: "integer" }, connections: { type: "integer" }, lostEvents: { type: "integer" }, skipped: { type: "integer" }, storedConnections: { type: "integer" }, unknownDirection: { type: "integer", description: "packets whose direction no record settled: counted on their edge, not as connections" } },
          },
          graph: { type: "object", required: ["file", "bytes"], properties: { file: { type: "string" }, bytes: { type: ["integer", "null"] }, retention: { type: "string" } } },
          policies: { type: ["object", "null"], description: "null until the policy model is loaded" },
          audit: { type: "object", required: ["lastRunAt", "durationSeconds", "intervalSeconds"], properties: { lastRunAt: { type: ["string", "null"] }, durationSeconds: { type: ["number", "null"] }, intervalSeconds: { type: "number" }, window: { type: "string" }, findings: { type: "object" } } },
        },
      },
      Finding: {
        type: "object",
        required: ["id", "kind", "severity", "namespace", "summary", "evidence"],
        properties: { id: { type: "string" }, kind: { type: "string", enum: [...FINDING_KINDS] }, severity: { type: "string", enum: ["high", "medium", "low"] }, namespace: { type: "string" }, summary: { type: "string" }, evidence: { type: "object" } },
      },
      ConnectivityChange: {
        type: "object",
        required: ["from", "to", "protocol", "port", "change", "old", "new"],
        properties: {
          from: { type: "string", description: "source identity key" }, to: { type: "string", description: "destination identity key" },
          protocol: { type: "string" }, port: { type: "integer", description: "the port; for ICMP the ICMP type" },
          change: { type: "string", enum: ["allowed-to-denied", "denied-to-allowed"] },
          old: ref("SideVerdict"), new: ref("SideVerdict"),
        },
      },
      SideVerdict: {
        type: "object",
        required: ["verdict", "egress", "ingress", "notModelled"],
        properties: { verdict: { type: "string", enum: ["allowed", "denied"] }, egress: ref("DirectionReason"), ingress: ref("DirectionReason"), notModelled: { type: "array", items: { type: "string" } } },
      },
      DirectionReason: {
        type: "object",
        required: ["direction", "verdict", "rules", "isolatedBy", "text"],
        properties: {
          direction: { type: "string", enum: ["egress", "ingress"] }, verdict: { type: "string", enum: ["allowed", "denied", "not-isolated", "not-enforced"] },
          rules: { type: "array", items: { type: "string" } }, isolatedBy: { type: "array", items: { type: "string" } }, text: { type: "string" },
        },
      },
      Policy: { type: "object", required: ["apiVersion", "kind", "metadata", "spec"], properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec: { type: "object" } } },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    "/healthz": {
      get: { summary: "the process is alive", security: [], parameters: [], responses: { "200": json(ref("Health"), "alive") } },
    },
    "/readyz": {
      get: {
        summary: "ready to answer: database open, policy model loaded, Hubble stream connected (not stalled) or reconnecting within limits; reasons say what failed, never paths or addresses",
        security: [], parameters: [],
        responses: { "200": json(ref("Health"), "ready"), "503": json(ref("Health"), "not ready; each failing check says why") },
      },
    },
    "/api/v1/openapi.json": {
      get: { summary: "this document", parameters: [], responses: { "200": json({ type: "object", required: ["openapi", "paths"] }, "the OpenAPI document"), ...errors(401) } },
    },
    "/api/v1/status": {
      get: { summary: "stream, ingestion, database, policy model and audit state", parameters: [], responses: { "200": json(ref("Status"), "daemon status"), ...errors(400, 401) } },
    },
    "/api/v1/graph": {
      get: {
        summary: "the observed graph of a window: identities and edges (JSON, edges paged) or Graphviz DOT (whole graph)",
        parameters: [P.namespace, { name: "workload", in: "query", description: "edges with this workload at an end: ns/name or an identity key ns/Kind/name", schema: str("workload") }, P.since, P.until,
          { name: "format", in: "query", description: "json (default) or dot", schema: { type: "string", enum: ["json", "dot"], default: "json" } }, P.limit, P.offset],
        responses: {
          "200": {
            description: "the graph",
            content: {
              "application/json": { schema: { type: "object", required: ["window", "total", "offset", "limit", "identities", "edges"], properties: { window, total: { type: "integer" }, offset: { type: "integer" }, limit: { type: "integer" }, nextOffset: { type: "integer" }, identities: { type: "array" }, edges: { type: "array" } } } },
              "text/vnd.graphviz": { schema: { type: "string" } },
            },
          },
          ...errors(400, 401),
        },
      },
    },
    "/api/v1/findings": {
      get: {
        summary: "audit findings of a window, sorted by kind, namespace and id",
        parameters: [{ name: "type", in: "query", description: `comma-separated finding types: ${FINDING_TYPES.join(", ")}`, schema: str("finding types", { example: "would-be-drop,policy-drop" }) },
          P.namespace, P.since, P.until, P.limit, P.offset],
        responses: {
          "200": json({ allOf: [page(ref("Finding")), { type: "object", required: ["generatedAt", "window", "summary"], properties: { generatedAt: { type: "string" }, window, summary: { type: "object" } } }] }, "one page of findings"),
          ...errors(400, 401, 503),
        },
      },
    },
    "/api/v1/namespaces": {
      get: {
        summary: "readiness for default-deny per namespace (the audit summary)",
        parameters: [P.namespace, P.since, P.until],
        responses: {
          "200": json({ type: "object", required: ["generatedAt", "window", "namespaces"], properties: { generatedAt: { type: "string" }, window, namespaces: { type: "array", items: { type: "object", required: ["namespace", "connections", "surviving"] } } } }, "readiness per namespace"),
          ...errors(400, 401, 503),
        },
      },
    },
    "/api/v1/recommendations": {
      get: {
        summary: "least-privilege policies for the observed traffic of a window, validated by replaying it",
        parameters: recommendParameters,
        responses: {
          "200": json({ type: "object", required: ["generatedAt", "window", "policies", "warnings", "refusals", "clusters", "validation"], properties: { generatedAt: { type: "string" }, window, policies: { type: "array", items: ref("Policy") }, warnings: { type: "array" }, refusals: { type: "array", description: "workloads left out because they cannot be selected alone, and policies that would deny observed traffic their kind cannot express" }, clusters: { type: "array", items: { type: "string" } }, validation: { type: "object", description: "per kind: the window's forwarded flows replayed through the set, the flows it denies and why" } } }, "the recommended policies"),
          ...errors(400, 401, 500),
        },
      },
    },
    "/api/v1/recommendations/download": {
      get: {
        summary: "the recommended policies as an attachment: one multi-document YAML file, or a tar.gz of per-namespace files with kustomization.yaml",
        parameters: [...recommendParameters, { name: "format", in: "query", description: "yaml (default) or tar", schema: { type: "string", enum: ["yaml", "tar"], default: "yaml" } }],
        responses: {
          "200": { description: "the attachment", content: { "application/yaml": { schema: { type: "string" } }, "application/gzip": { schema: { type: "string", format: "binary" } } } },
          ...errors(400, 401, 500),
        },
      },
    },
    "/api/v1/whatif": {
      post: {
        summary: "what proposed policies (the body: YAML or JSON manifests) would drop and leave unused in a window's traffic, without applying them",
        parameters: [P.namespace, P.since, P.until],
        requestBody: {
          required: true,
          description: `compressed or not: Content-Encoding ${BODY_ENCODINGS.join(", ")}`,
          content: { ...Object.fromEntries(YAML_TYPES.map((t) => [t, { schema: { type: "string" } }])), ...Object.fromEntries(JSON_TYPES.map((t) => [t, { schema: {} }])) },
        },
        responses: {
          "200": json({ type: "object", required: ["generatedAt", "window", "policies", "dropped", "notIsolated", "unused", "problems"], properties: { generatedAt: { type: "string" }, window, policies: { type: "integer" }, dropped: { type: "array" }, notIsolated: { type: "array" }, unused: { type: "array" }, problems: { type: "array", items: { type: "string" } } } }, "the what-if report"),
          ...errors(400, 401, 413, 415),
        },
      },
    },
    "/api/v1/policies/diff": {
      post: {
        summary: "the observed connections of a window whose verdict changes between two policy sets (allowed-to-denied, denied-to-allowed), with the rules responsible on each side; compared at L3/L4",
        parameters: [P.namespace, P.since, P.until],
        requestBody: {
          required: true,
          description: `the two policy sets as YAML or JSON manifests; a side left out is the current policy model (503 while none is loaded); compressed or not: Content-Encoding ${BODY_ENCODINGS.join(", ")}`,
          content: Object.fromEntries(JSON_TYPES.map((t) => [t, {
            schema: { type: "object", additionalProperties: false, minProperties: 1, properties: { old: { type: "string", description: "the policies as they are" }, new: { type: "string", description: "the policies as proposed" } } },
          }])),
        },
        responses: {
          "200": json({ type: "object", required: ["generatedAt", "window", "old", "new", "compared", "changes", "problems"], properties: {
            generatedAt: { type: "string" }, window, old: { type: "string" }, new: { type: "string" },
            compared: { type: "integer", description: "observed (source identity, destination identity, port/protocol) triples evaluated" },
            changes: { type: "array", items: ref("ConnectivityChange") }, problems: { type: "array", items: { type: "string" } },
          } }, "the connections whose verdict changes"),
          ...errors(400, 401, 413, 415, 503),
        },
      },
    },
    "/api/v1/test": {
      post: {
        summary: "a test matrix (the body: cases of from, to, port, protocol, expect) decided by the current policies with the deciding rule of each case, and checked against the observed traffic of a window",
        parameters: [
          P.since, P.until,
          { name: "history", in: "query", description: "also check each case against the window's traffic: expected deny but observed forwarded fails the case, expected allow but never observed is stale (a warning)", schema: { type: "boolean", default: true } },
          { name: "format", in: "query", description: "json (default), junit (JUnit XML) or tap (TAP 13)", schema: { type: "string", enum: ["json", "junit", "tap"], default: "json" } },
        ],
        requestBody: {
          required: true,
          description: `the matrix as YAML or JSON (cases: [{from, to, port, protocol, expect, name}]); compressed or not: Content-Encoding ${BODY_ENCODINGS.join(", ")}`,
          content: { ...Object.fromEntries(YAML_TYPES.map((t) => [t, { schema: { type: "string" } }])), ...Object.fromEntries(JSON_TYPES.map((t) => [t, { schema: {} }])) },
        },
        responses: {
          "200": {
            description: "the result of every case; summary.failed > 0 when any case fails",
            content: {
              "application/json": {
                schema: {
                  type: "object", required: ["generatedAt", "semantics", "summary", "results"],
                  properties: {
                    generatedAt: { type: "string" }, semantics: { type: "string", enum: ["cilium", "upstream"] }, window,
                    summary: { type: "object", required: ["cases", "passed", "failed", "warnings"], properties: { cases: { type: "integer" }, passed: { type: "integer" }, failed: { type: "integer" }, warnings: { type: "integer" } } },
                    results: {
                      type: "array",
                      items: {
                        type: "object", required: ["name", "file", "from", "to", "port", "expect", "verdict", "status", "policy", "rule", "probe", "explanation"],
                        properties: {
                          name: { type: "string" }, file: { type: "string" }, line: { type: "integer" }, from: { type: "string" }, to: { type: "string" }, port: { type: "string" },
                          expect: { type: "string", enum: ["allow", "deny"] }, verdict: { type: "string", enum: ["allowed", "denied", "mixed"] },
                          status: { type: "string", enum: ["pass", "fail", "warn"], description: "fail: the policies disagree, or traffic expected denied was observed; warn: stale" },
                          policy: { type: "string", enum: ["pass", "fail"] }, rule: { type: "string", description: "the deciding rule" }, probe: { type: "string" }, explanation: { type: "string" },
                          history: { type: "object", required: ["kind", "passed"], properties: { kind: { type: "string", enum: ["observed-forwarded", "stale", "observed", "not-observed"] }, passed: { type: "integer" } } },
                        },
                      },
                    },
                  },
                },
              },
              "application/xml": { schema: { type: "string", description: "JUnit XML: one testcase per case" } },
              "text/plain": { schema: { type: "string", description: "TAP version 13" } },
            },
          },
          ...errors(400, 401, 413, 415, 503),
        },
      },
    },
    "/api/v1/explain": {
      get: {
        summary: "whether the current policies allow one connection, and which rules decide",
        parameters: [
          { name: "from", in: "query", required: true, description: "source: ns/workload or an IP address", schema: str("peer", { example: "shop/web" }) },
          { name: "to", in: "query", required: true, description: "destination: ns/workload or an IP address", schema: str("peer", { example: "shop/api" }) },
          { name: "port", in: "query", required: true, description: "port/protocol (TCP when no protocol is given)", schema: str("port", { example: "8080/TCP" }) },
        ],
        responses: {
          "200": json({ type: "object", required: ["verdict", "egress", "ingress", "text", "peers"], properties: { verdict: { type: "string", enum: ["allowed", "denied"] }, egress: { type: "object" }, ingress: { type: "object" }, unsupported: { type: "array" }, text: { type: "string" }, peers: { type: "object" } } }, "the evaluation"),
          ...errors(400, 401, 503),
        },
      },
    },
  },
} as const;

/** The query parameter names an operation documents (what its QueryReader accepts). */
export function parametersOf(path: keyof typeof OPENAPI.paths, method: "get" | "post"): readonly string[] {
  const item: Readonly<Record<string, { readonly parameters: readonly { readonly name: string }[] }>> = OPENAPI.paths[path];
  const op = item[method];
  if (op === undefined) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  return op.parameters.map((p) => p.name);
}
