import { resolvePeer } from "../../audit/index.js";
import { queryGraph } from "../../graph/index.js";
import type { GraphStore } from "../../graph/index.js";
import { explainEvaluation } from "../../policy/index.js";
import type { PolicyEndpoint } from "../../policy/index.js";
import type { Analysis } from "../analysis.js";
import type { RequestQuery } from "../analysis-service.js";
import { badParameter } from "../http-error.js";
import { parametersOf } from "../openapi.js";
import type { PolicySnapshot } from "../policy-snapshot.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { CachedBody } from "../response-cache.js";

const PORT = /^(\d{1,5})(?:\/(TCP|UDP|SCTP))?$/i;

/**
 * `GET /api/v1/explain?from=&to=&port=`: the current policies' verdict on one connection
 * with the rules that decide it. Workloads are looked up among the observed identities
 * first (their labels are what Cilium evaluates), then among the model's Pod objects.
 */
export function explainAnswer(analysis: Analysis, store: GraphStore, query: RequestQuery): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/explain", "get"));
  const from = q.required("from");
  const to = q.required("to");
  const portText = q.required("port");
  const m = PORT.exec(portText);
  const port = Number(m?.[1] ?? NaN);
  if (m === null || port < 1 || port > 65535) throw badParameter("port", `must be a port from 1 to 65535 with an optional protocol, like 8080/TCP or 53/UDP, got "${portText}"`);
  const protocol = (m[2] ?? "TCP").toUpperCase();
  const snapshot = analysis.requirePolicies();
  const identities = [namespaceOf(from), namespaceOf(to)].flatMap((ns) =>
    ns === undefined ? [] : queryGraph(store, { window: { sinceMs: 0, untilMs: Number.MAX_SAFE_INTEGER }, namespace: ns }).identities.map((i) => i.identity),
  );
  const source = peer(snapshot, identities, "from", from);
  const destination = peer(snapshot, identities, "to", to);
  const evaluation = snapshot.view.evaluator.evaluate({ source: source.endpoint, destination: destination.endpoint, protocol, port });
  return jsonBody({
    ...evaluation,
    peers: { from: { text: from, resolvedAs: source.resolvedAs, note: source.note ?? null }, to: { text: to, resolvedAs: destination.resolvedAs, note: destination.note ?? null } },
    text: explainEvaluation(evaluation, { source: from, destination: to, port: `${port}/${protocol}` }),
  });
}

function namespaceOf(text: string): string | undefined {
  const slash = text.indexOf("/");
  return slash > 0 ? text.slice(0, slash) : undefined;
}

function peer(
  snapshot: PolicySnapshot,
  identities: Parameters<typeof resolvePeer>[1]["identities"],
  parameter: string,
  text: string,
): { endpoint: PolicyEndpoint; resolvedAs: string; note: string | undefined } {
  const resolved = resolvePeer(text, { pods: snapshot.parsed.pods, view: snapshot.view, ...(identities === undefined ? {} : { identities }) });
  if (!resolved.ok) throw badParameter(parameter, resolved.message);
  return { endpoint: resolved.endpoint, resolvedAs: resolved.resolvedAs, note: resolved.note };
}
