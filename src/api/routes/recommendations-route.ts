import { pathSegment, policiesToFiles, policiesToYaml } from "../../recommend/index.js";
import type { Recommendation } from "../../recommend/index.js";
import type { Analysis, RecommendQuery } from "../analysis.js";
import type { RequestQuery } from "../analysis-service.js";
import { archiveOf } from "../archive.js";
import { HttpError } from "../http-error.js";
import { isoTime, windowJson } from "../json-times.js";
import { parametersOf } from "../openapi.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { CachedBody } from "../response-cache.js";

function recommendQuery(q: QueryReader): RecommendQuery {
  return {
    namespace: q.namespace("namespace"), since: q.given("since"), until: q.given("until"),
    kind: q.choice("kind", ["networkpolicy", "cilium", "both"] as const, "both"),
    l7: q.boolean("l7", false), portRanges: q.boolean("portRanges", false), includeDrops: q.boolean("includeDrops", false),
    includeAudit: q.boolean("includeAudit", false),
    worldPrefix: q.integer("worldPrefix", { min: 8, max: 32, fallback: 32 }),
  };
}

/** The recommendation the API's defaults ask for, of one kind: what the daemon computes ahead of requests. */
export function defaultRecommendQuery(kind: RecommendQuery["kind"]): RecommendQuery {
  return recommendQuery(new QueryReader({ kind }, parametersOf("/api/v1/recommendations", "get")));
}

function recommendation(analysis: Analysis, query: RecommendQuery): Recommendation {
  const result = analysis.recommend(query);
  if (!result.ok) {
    // A recommendation that fails its own replay is a bug: reported, never handed out.
    throw new HttpError(500, "recommendation-invalid", `the recommendation failed its own validation (${result.failure.kind}) and was withheld: ${result.failure.messages.slice(0, 3).join("; ")}`);
  }
  return result.recommendation;
}

/** `GET /api/v1/recommendations`: the policies as JSON with their traffic, warnings and validation. */
export function recommendationsAnswer(analysis: Analysis, query: RequestQuery): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/recommendations", "get"));
  const asked = recommendQuery(q);
  const r = recommendation(analysis, asked);
  return jsonBody({
    generatedAt: isoTime(analysis.asOfMs), window: windowJson(r.window),
    namespace: asked.namespace ?? null, kind: asked.kind, traffic: r.traffic,
    policies: r.policies.map((p) => p.object), warnings: r.warnings, refusals: r.refusals, clusters: r.clusters, validation: r.validation,
  });
}

/** `GET /api/v1/recommendations/download`: the policies as a YAML or tar.gz attachment. */
export async function downloadAnswer(analysis: Analysis, query: RequestQuery): Promise<CachedBody> {
  const q = new QueryReader(query, parametersOf("/api/v1/recommendations/download", "get"));
  const asked = recommendQuery(q);
  const format = q.choice("format", ["yaml", "tar"] as const, "yaml");
  const r = recommendation(analysis, asked);
  const base = `hubble-auditor-${pathSegment(asked.namespace ?? "cluster")}-${asked.kind}`;
  if (format === "yaml") return { type: "application/yaml; charset=utf-8", body: policiesToYaml(r.policies), attachment: `${base}.yaml` };
  return { type: "application/gzip", body: await archiveOf(policiesToFiles(r.policies), { gzip: true }), attachment: `${base}.tar.gz` };
}
