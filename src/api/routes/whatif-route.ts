import express from "express";
import type { Request, Response, Router } from "express";
import { jsonTimes } from "../../audit/index.js";
import { formatProblem, parsePolicyDocuments } from "../../policy/index.js";
import { parsePolicyText } from "../../policy/sources/index.js";
import type { Analysis } from "../analysis.js";
import { HttpError } from "../http-error.js";
import { isoTime, windowJson } from "../json-times.js";
import { parametersOf } from "../openapi.js";
import { QueryReader } from "../query-reader.js";

/** Content types the what-if body may have. */
const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"];
const JSON_TYPES = ["application/json"];
/** The name problems in the body are reported under. */
const BODY = "request body";

/** `POST /api/v1/whatif`: proposed policies in the body (YAML or JSON, at most `limitBytes`). */
export function addWhatIfRoute(router: Router, analysis: Analysis, limitBytes: number): void {
  router.post("/api/v1/whatif", express.text({ type: [...YAML_TYPES, ...JSON_TYPES], limit: limitBytes }), (req: Request, res: Response) => {
    const q = new QueryReader(req.query, parametersOf("/api/v1/whatif", "post"));
    const query = { namespace: q.namespace("namespace"), since: q.string("since"), until: q.string("until") };
    if (!req.is([...YAML_TYPES, ...JSON_TYPES])) {
      throw new HttpError(415, "unsupported-media-type", `send the proposed policies as application/yaml or application/json, got ${req.get("content-type") ?? "no Content-Type"}`);
    }
    const body: unknown = req.body;
    if (typeof body !== "string" || body.trim() === "") throw new HttpError(400, "empty-body", "the request body must hold the proposed policies (YAML or JSON manifests)");
    const text = parsePolicyText(body, { name: BODY, format: req.is(JSON_TYPES) === false ? "yaml" : "json" });
    const parsed = parsePolicyDocuments(text.documents);
    const problems = [
      ...text.problems.map((p) => `${[p.documentIndex === undefined ? undefined : `document ${p.documentIndex}`, p.line === undefined ? undefined : `line ${p.line}`].filter((x) => x !== undefined).join(", ") || BODY}: ${p.message}`),
      ...parsed.problems.map(formatProblem),
    ];
    const policies = parsed.networkPolicies.length + parsed.ciliumPolicies.length;
    if (policies === 0) {
      throw new HttpError(400, "no-policies", `the body holds no NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy${problems.length > 0 ? `; problems: ${problems.slice(0, 5).join("; ")}` : ""}`);
    }
    const report = analysis.whatIf(parsed, query);
    res.json({
      generatedAt: isoTime(analysis.asOfMs), window: windowJson(analysis.windowOf(query)), policies: report.policies,
      dropped: jsonTimes(report.dropped), notIsolated: jsonTimes(report.notIsolated), unused: jsonTimes(report.unused), problems,
    });
  });
}
