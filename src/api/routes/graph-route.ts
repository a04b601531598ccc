import { jsonTimes } from "../../audit/index.js";
import { graphToDot } from "../../graph/index.js";
import type { Analysis } from "../analysis.js";
import type { RequestQuery } from "../analysis-service.js";
import { badParameter } from "../http-error.js";
import { parametersOf } from "../openapi.js";
import { pageOf } from "../pagination.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { CachedBody } from "../response-cache.js";

/** Longest `workload` value: `namespace/Kind/name` of Kubernetes names. */
const WORKLOAD = /^[a-z0-9][-a-z0-9.]{0,252}(?:\/[A-Za-z]{1,63})?\/[a-z0-9][-a-z0-9.]{0,252}$/;

/** `GET /api/v1/graph`: the observed graph of a window, JSON with paged edges or DOT. */
export function graphAnswer(analysis: Analysis, query: RequestQuery): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/graph", "get"));
  const workload = q.string("workload");
  if (workload !== undefined && !WORKLOAD.test(workload)) throw badParameter("workload", `must be ns/name or ns/Kind/name, got "${workload}"`);
  const format = q.choice("format", ["json", "dot"] as const, "json");
  const graph = analysis.graph({ namespace: q.namespace("namespace"), since: q.given("since"), until: q.given("until"), workload });
  if (format === "dot") return { type: "text/vnd.graphviz; charset=utf-8", body: graphToDot(graph) };
  const page = pageOf(graph.edges, q);
  const used = new Set(page.items.flatMap((e) => [e.source, e.destination]));
  const identities = graph.identities.filter((i) => used.has(i.identity.key)).map(({ identity, firstSeenMs, lastSeenMs }) => ({ ...identity, firstSeenMs, lastSeenMs }));
  const { items, ...paging } = page;
  return jsonBody(jsonTimes({ window: graph.window, ...paging, identities, edges: items }));
}
