import type { Request } from "express";
import { queryGraph, type GraphStore } from "../../graph/index.js";
import { formatMatrixProblem, matrixToJsonValue, matrixToJunit, matrixToTap, parseYamlMatrix, runMatrix, type MatrixReport } from "../../policy-tests/index.js";
import type { Analysis } from "../analysis.js";
import type { AnalysisRequest, RequestQuery } from "../analysis-service.js";
import { MATRIX_BODY_TYPES } from "../body-types.js";
import { HttpError } from "../http-error.js";
import { textBody } from "./text-body.js";
import { isoTime } from "../json-times.js";
import { parametersOf } from "../openapi.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody, type CachedBody } from "../response-cache.js";

/** The name a matrix sent in a request is reported under. */
const BODY = "request body";
/** Problems of a bad matrix listed in the 400's message, at most. */
const MAX_LISTED = 20;

/** The test body as the analysis takes it: a Content-Type we read (415 otherwise) and text that is not empty (400). */
export function testBody(req: Request): NonNullable<AnalysisRequest["body"]> {
  return textBody(req, MATRIX_BODY_TYPES, "the request body must hold a test matrix (cases: [{from, to, port, protocol, expect}])", () => "yaml");
}

function encoded(report: MatrixReport, format: "json" | "junit" | "tap", generatedAtMs: number): CachedBody {
  switch (format) {
    case "junit":
      return { type: "application/xml; charset=utf-8", body: matrixToJunit(report) };
    case "tap":
      return { type: "text/plain; charset=utf-8", body: matrixToTap(report) };
    case "json":
      return jsonBody({ generatedAt: isoTime(generatedAtMs), ...matrixToJsonValue(report) });
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/**
 * `POST /api/v1/test`: the cases of the matrix in the body (YAML, or JSON, which YAML reads)
 * decided by the current policy model, and with `history` (the default) checked against the
 * observed traffic of the window. A bad matrix is a 400 listing its problems by line and field.
 */
export function testAnswer(analysis: Analysis, store: GraphStore, query: RequestQuery, body: NonNullable<AnalysisRequest["body"]>): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/test", "post"));
  const window = analysis.windowOf({ since: q.given("since"), until: q.given("until") });
  const history = q.boolean("history", true);
  const format = q.choice("format", ["json", "junit", "tap"] as const, "json");
  const snapshot = analysis.requirePolicies();
  const parsed = parseYamlMatrix(body.text, BODY);
  const refuse = (problems: readonly Parameters<typeof formatMatrixProblem>[0][]): never => {
    const listed = problems.slice(0, MAX_LISTED).map(formatMatrixProblem).join("; ");
    throw new HttpError(400, "bad-matrix", `the matrix has ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${listed}${problems.length > MAX_LISTED ? "; ..." : ""}`);
  };
  if (parsed.problems.length > 0) return refuse(parsed.problems);
  const graph = history ? queryGraph(store, { window }) : undefined;
  const result = runMatrix({
    cases: parsed.cases, view: snapshot.view, semantics: snapshot.view.evaluator.semantics, pods: snapshot.parsed.pods, ...(graph === undefined ? {} : { graph }),
  });
  if (!result.ok) return refuse(result.problems);
  return encoded(result.report, format, analysis.asOfMs);
}
