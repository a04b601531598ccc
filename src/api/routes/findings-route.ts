import type { Request, Response, Router } from "express";
import { jsonTimes } from "../../audit/index.js";
import type { Finding } from "../../audit/index.js";
import type { Analysis } from "../analysis.js";
import { FINDING_TYPES, parametersOf } from "../openapi.js";
import { pageOf } from "../pagination.js";
import { QueryReader } from "../query-reader.js";

/** The audit kind a `type` value names (`over-broad` is short for `over-broad-allow`). */
function kindOf(type: string): string {
  return type === "over-broad" ? "over-broad-allow" : type;
}

/** `GET /api/v1/findings` (paged) and `GET /api/v1/namespaces` (readiness), from the generation's audit. */
export function addFindingsRoutes(router: Router, analysis: Analysis): void {
  router.get("/api/v1/findings", (req: Request, res: Response) => {
    const q = new QueryReader(req.query, parametersOf("/api/v1/findings", "get"));
    const types = q.choices("type", FINDING_TYPES)?.map(kindOf);
    const report = analysis.audit({ namespace: q.namespace("namespace"), since: q.string("since"), until: q.string("until") });
    const findings: readonly Finding[] = types === undefined ? report.findings : report.findings.filter((f) => types.includes(f.kind));
    const page = pageOf(findings, q);
    res.json(jsonTimes({ generatedAtMs: report.generatedAtMs, window: report.window, namespace: report.namespace ?? null, summary: report.summary, ...page }));
  });
  router.get("/api/v1/namespaces", (req: Request, res: Response) => {
    const q = new QueryReader(req.query, parametersOf("/api/v1/namespaces", "get"));
    const report = analysis.audit({ namespace: q.namespace("namespace"), since: q.string("since"), until: q.string("until") });
    res.json(jsonTimes({ generatedAtMs: report.generatedAtMs, window: report.window, overPermission: report.overPermission, namespaces: report.readiness }));
  });
}
