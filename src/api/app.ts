import express from "express";
import type { Express, Request, Response } from "express";
import type { Logger } from "pino";
import type { AnalysisService } from "./analysis-service.js";
import { bearerAuth } from "./bearer-auth.js";
import { errorHandler, notFound } from "./error-handler.js";
import { OPENAPI, parametersOf } from "./openapi.js";
import { QueryReader } from "./query-reader.js";
import { ResponseCache } from "./response-cache.js";
import { addAnalysisRoutes } from "./routes/analysis-routes.js";
import { addHealthRoutes } from "./routes/health-route.js";
import type { DaemonStatus, HealthCheck } from "./status.js";

/** What the API reads; the daemon wires the live pieces in. */
export interface ApiDeps {
  /** Graph, findings, recommendations, what-if and explain: answered by the analysis (in `serve`, its own thread). */
  readonly analysis: AnalysisService;
  readonly status: () => DaemonStatus;
  readonly checks: () => readonly HealthCheck[];
  readonly logger: Logger;
  /** When set, every endpoint but /healthz and /readyz needs `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** Largest request body (what-if manifests); default 4 MiB. */
  readonly bodyLimitBytes?: number;
}

/** Default largest request body. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * The HTTP API as an express app: health outside authentication, then (optionally) bearer
 * authentication, the /api/v1 routes, a JSON 404 and the one error handler.
 */
export function createApiApp(deps: ApiDeps): Express {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use((_req: Request, res: Response, next) => {
    res.set("X-Content-Type-Options", "nosniff").set("Cache-Control", "no-store");
    next();
  });
  const open = express.Router();
  addHealthRoutes(open, deps.checks);
  app.use(open);
  if (deps.token !== undefined) app.use(bearerAuth(deps.token));
  const api = express.Router();
  api.get("/api/v1/openapi.json", (req: Request, res: Response) => {
    new QueryReader(req.query, parametersOf("/api/v1/openapi.json", "get"));
    res.json(OPENAPI);
  });
  api.get("/api/v1/status", (req: Request, res: Response) => {
    new QueryReader(req.query, parametersOf("/api/v1/status", "get"));
    res.json(deps.status());
  });
  addAnalysisRoutes(api, deps.analysis, new ResponseCache(), limit);
  app.use(api);
  app.use(notFound);
  app.use(errorHandler(deps.logger.child({ module: "api" }), limit));
  return app;
}
