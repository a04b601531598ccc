/**
 * The daemon's HTTP face (express 5): status, the observed graph, audit findings, readiness
 * per namespace, recommendations (JSON and downloads), what-if and explain, health endpoints,
 * optional bearer authentication and the OpenAPI document that describes it all.
 */
export { Analysis, apiServerAddresses, auditWithExamples } from "./analysis.js";
export type { AnalysisOptions, RecommendQuery, WindowQuery } from "./analysis.js";
export { answerAnalysisRequest } from "./analysis-answers.js";
export { LocalAnalysisService } from "./analysis-service.js";
export type { AnalysisAnswer, AnalysisEndpoint, AnalysisRequest, AnalysisService, RequestQuery } from "./analysis-service.js";
export { defaultRecommendQuery } from "./routes/recommendations-route.js";
export { DEFAULT_BODY_LIMIT, createApiApp } from "./app.js";
export type { ApiDeps } from "./app.js";
export { ApiServerError, startApiServer } from "./api-server.js";
export type { ApiServer } from "./api-server.js";
export { archiveOf, outputFileUnder } from "./archive.js";
export { bearerAuth } from "./bearer-auth.js";
export { HttpError, errorBody } from "./http-error.js";
export type { ErrorBody } from "./http-error.js";
export { OPENAPI } from "./openapi.js";
export { policyCounts, policySnapshotOf, snapshotOfParsed } from "./policy-snapshot.js";
export type { PolicyCounts, PolicyOrigin, PolicySnapshot } from "./policy-snapshot.js";
export type { DaemonStatus, HealthCheck } from "./status.js";
