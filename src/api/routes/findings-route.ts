import type { Request, Response, Router } from "express";
import { jsonTimes } from "../../audit/index.js";
import type { Finding } from "../../audit/index.js";
import type { Analysis } from "../analysis.js";
import { FINDING_TYPES, parametersOf } from "../openapi.js";
import { pageOf } from "../pagination.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { ResponseCache } from "../response-cache.js";

/** The audit kind a `type` value names (`over-broad` is short for `over-broad-allow`). */
function kindOf(type: string): string {
  return type === "over-broad" ? "over-broad-allow" : type;
}

/** `GET /api/v1/findings` (paged) and `GET /api/v1/namespaces` (readiness), from the generation's audit. */
export function addFindingsRoutes(router: Router, analysis: Analysis, cache: ResponseCache): void {
  router.get("/api/v1/findings", async (req: Request, res: Response) => {
    await cache.send(req, res, analysis.generation, () => {
      const q = new QueryReader(req.query, parametersOf("/api/v1/findings", "get"));
      const types = q.choices("type", FINDING_TYPES)?.map(kindOf);
      const report = analysis.audit({ namespace: q.namespace("namespace"), since: q.string("since"), until: q.string("until") });
      const findings: readonly Finding[] = types === undefined ? report.findings : report.findings.filter((f) => types.includes(f.kind));
      const page = pageOf(findings, q);
      return jsonBody(jsonTimes({ generatedAtMs: report.generatedAtMs, window: report.window, namespace: report.namespace ?? null, summary: report.summary, ...page }));
    });
  });
  router.get("/api/v1/namespaces", async (req: Request, res: Response) => {
    await cache.send(req, res, analysis.generation, () => {
      const q = new QueryReader(req.query, parametersOf("/api/v1/namespaces", "get"));
      const report = analysis.audit({ namespace: q.namespace("namespace"), since: q.string("since"), until: q.string("until") });
      return jsonBody(jsonTimes({ generatedAtMs: report.generatedAtMs, window: report.window, overPermission: report.overPermission, namespaces: report.readiness }));
    });
  });
}
