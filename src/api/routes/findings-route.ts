import { jsonTimes } from "../../audit/index.js";
import type { Finding } from "../../audit/index.js";
import type { Analysis } from "../analysis.js";
import type { RequestQuery } from "../analysis-service.js";
import { FINDING_TYPES, parametersOf } from "../openapi.js";
import { pageOf } from "../pagination.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { CachedBody } from "../response-cache.js";

/** The audit kind a `type` value names (`over-broad` is short for `over-broad-allow`). */
function kindOf(type: string): string {
  return type === "over-broad" ? "over-broad-allow" : type;
}

/** `GET /api/v1/findings`: one page of the generation's audit findings. */
export function findingsAnswer(analysis: Analysis, query: RequestQuery): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/findings", "get"));
  const types = q.choices("type", FINDING_TYPES)?.map(kindOf);
  const report = analysis.audit({ namespace: q.namespace("namespace"), since: q.given("since"), until: q.given("until") });
  const findings: readonly Finding[] = types === undefined ? report.findings : report.findings.filter((f) => types.includes(f.kind));
  const page = pageOf(findings, q);
  return jsonBody(jsonTimes({ generatedAtMs: report.generatedAtMs, window: report.window, namespace: report.namespace ?? null, summary: report.summary, ...page }));
}

/** `GET /api/v1/namespaces`: readiness per namespace, from the generation's audit. */
export function namespacesAnswer(analysis: Analysis, query: RequestQuery): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/namespaces", "get"));
  const report = analysis.audit({ namespace: q.namespace("namespace"), since: q.given("since"), until: q.given("until") });
  return jsonBody(jsonTimes({ generatedAtMs: report.generatedAtMs, window: report.window, overPermission: report.overPermission, namespaces: report.readiness }));
}
