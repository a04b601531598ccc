import type { Request } from "express";
import { jsonTimes } from "../../audit/index.js";
import { formatProblem, parsePolicyDocuments } from "../../policy/index.js";
import { parsePolicyText } from "../../policy/sources/index.js";
import type { Analysis } from "../analysis.js";
import type { AnalysisRequest, RequestQuery } from "../analysis-service.js";
import { JSON_TYPES, WHATIF_BODY_TYPES } from "../body-types.js";
import { HttpError } from "../http-error.js";
import { textBody } from "./text-body.js";
import { isoTime, windowJson } from "../json-times.js";
import { parametersOf } from "../openapi.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { CachedBody } from "../response-cache.js";

/** The name problems in the body are reported under. */
const BODY = "request body";

/**
 * The what-if body as the analysis takes it, checked where the request arrives: a Content-Type
 * we read (415 otherwise) and text that is not empty (400).
 */
export function whatIfBody(req: Request): NonNullable<AnalysisRequest["body"]> {
  return textBody(req, WHATIF_BODY_TYPES, "the request body must hold the proposed policies (YAML or JSON manifests)", (r) => (r.is([...JSON_TYPES]) === false ? "yaml" : "json"));
}

/** `POST /api/v1/whatif`: what the proposed policies in the body would do to the window's traffic. */
export function whatIfAnswer(analysis: Analysis, query: RequestQuery, body: NonNullable<AnalysisRequest["body"]>): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/whatif", "post"));
  const window = { namespace: q.namespace("namespace"), since: q.given("since"), until: q.given("until") };
  const text = parsePolicyText(body.text, { name: BODY, format: body.format });
  const parsed = parsePolicyDocuments(text.documents);
  const problems = [
    ...text.problems.map((p) => `${[p.documentIndex === undefined ? undefined : `document ${p.documentIndex}`, p.line === undefined ? undefined : `line ${p.line}`].filter((x) => x !== undefined).join(", ") || BODY}: ${p.message}`),
    ...parsed.problems.map(formatProblem),
  ];
  const policies = parsed.networkPolicies.length + parsed.ciliumPolicies.length;
  if (policies === 0) {
    throw new HttpError(400, "no-policies", `the body holds no NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy${problems.length > 0 ? `; problems: ${problems.slice(0, 5).join("; ")}` : ""}`);
  }
  const report = analysis.whatIf(parsed, window);
  return jsonBody({
    generatedAt: isoTime(analysis.asOfMs), window: windowJson(report.window), policies: report.policies,
    dropped: jsonTimes(report.dropped), notIsolated: jsonTimes(report.notIsolated), unused: jsonTimes(report.unused), problems,
  });
}
