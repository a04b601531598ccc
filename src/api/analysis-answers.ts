import type { GraphStore } from "../graph/index.js";
import type { Analysis } from "./analysis.js";
import type { AnalysisRequest } from "./analysis-service.js";
import type { CachedBody } from "./response-cache.js";
import { explainAnswer } from "./routes/explain-route.js";
import { findingsAnswer, namespacesAnswer } from "./routes/findings-route.js";
import { graphAnswer } from "./routes/graph-route.js";
import { downloadAnswer, recommendationsAnswer } from "./routes/recommendations-route.js";
import { policiesDiffAnswer } from "./routes/policies-diff-route.js";
import { testAnswer } from "./routes/test-route.js";
import { whatIfAnswer } from "./routes/whatif-route.js";
import { HttpError } from "./http-error.js";

/**
 * The response body for one analysis request: query parameters checked, the analysis asked,
 * the answer encoded. Runs wherever the analysis lives (the analysis thread in `serve`).
 */
export async function answerAnalysisRequest(analysis: Analysis, store: GraphStore, request: AnalysisRequest): Promise<CachedBody> {
  const { query } = request;
  switch (request.endpoint) {
    case "graph":
      return graphAnswer(analysis, query);
    case "findings":
      return findingsAnswer(analysis, query);
    case "namespaces":
      return namespacesAnswer(analysis, query);
    case "recommendations":
      return recommendationsAnswer(analysis, query);
    case "recommendations-download":
      return downloadAnswer(analysis, query);
    case "explain":
      return explainAnswer(analysis, store, query);
    case "whatif":
      if (request.body === undefined) throw new HttpError(400, "empty-body", "the request body must hold the proposed policies (YAML or JSON manifests)");
      return whatIfAnswer(analysis, query, request.body);
    case "policies-diff":
      if (request.body === undefined) throw new HttpError(400, "empty-body", "the request body must be a JSON object with the policy sets to compare");
      return policiesDiffAnswer(analysis, query, request.body);
    case "test":
      if (request.body === undefined) throw new HttpError(400, "empty-body", "the request body must hold a test matrix (cases: [{from, to, port, protocol, expect}])");
      return testAnswer(analysis, store, query, request.body);
  }
}
