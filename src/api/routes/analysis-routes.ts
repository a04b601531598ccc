import express from "express";
import type { Request, Response, Router } from "express";
import type { AnalysisEndpoint, AnalysisService } from "../analysis-service.js";
import { sendBody } from "../response-cache.js";
import type { ResponseCache } from "../response-cache.js";
import { JSON_TYPES, MATRIX_BODY_TYPES, WHATIF_BODY_TYPES } from "../body-types.js";
import { policiesDiffBody } from "./policies-diff-route.js";
import { testBody } from "./test-route.js";
import { whatIfBody } from "./whatif-route.js";

/** The GET endpoints the analysis answers; `cached` ones are kept per generation (see ResponseCache). */
const GETS: readonly { readonly path: string; readonly endpoint: AnalysisEndpoint; readonly cached: boolean }[] = [
  // The graph is live (as of the request, not of the generation); explain is one evaluation.
  { path: "/api/v1/graph", endpoint: "graph", cached: false },
  { path: "/api/v1/findings", endpoint: "findings", cached: true },
  { path: "/api/v1/namespaces", endpoint: "namespaces", cached: true },
  { path: "/api/v1/recommendations", endpoint: "recommendations", cached: true },
  { path: "/api/v1/recommendations/download", endpoint: "recommendations-download", cached: true },
  { path: "/api/v1/explain", endpoint: "explain", cached: false },
];

/**
 * The routes whose answers the analysis computes. This thread only reads the request, asks
 * the {@link AnalysisService} (in `serve`, another thread) and sends what comes back; repeated
 * requests of a generation are answered from the cache without asking.
 */
export function addAnalysisRoutes(router: Router, analysis: AnalysisService, cache: ResponseCache, limitBytes: number): void {
  for (const { path, endpoint, cached } of GETS) {
    router.get(path, async (req: Request, res: Response) => {
      if (cached) {
        await cache.send(req, res, analysis.generation, () => analysis.respond({ endpoint, query: req.query }));
        return;
      }
      sendBody(res, (await analysis.respond({ endpoint, query: req.query })).body);
    });
  }
  router.post("/api/v1/whatif", express.text({ type: [...WHATIF_BODY_TYPES], limit: limitBytes }), async (req: Request, res: Response) => {
    sendBody(res, (await analysis.respond({ endpoint: "whatif", query: req.query, body: whatIfBody(req) })).body);
  });
  router.post("/api/v1/policies/diff", express.text({ type: [...JSON_TYPES], limit: limitBytes }), async (req: Request, res: Response) => {
    sendBody(res, (await analysis.respond({ endpoint: "policies-diff", query: req.query, body: policiesDiffBody(req) })).body);
  });
  // Not cached: the answer depends on the body.
  router.post("/api/v1/test", express.text({ type: [...MATRIX_BODY_TYPES], limit: limitBytes }), async (req: Request, res: Response) => {
    sendBody(res, (await analysis.respond({ endpoint: "test", query: req.query, body: testBody(req) })).body);
  });
}
