import type { Request } from "express";
import { formatProblem, parsePolicyDocuments } from "../../policy/index.js";
import type { ParsedPolicies } from "../../policy/index.js";
import { parsePolicyText } from "../../policy/sources/index.js";
import type { Analysis } from "../analysis.js";
import type { AnalysisRequest, RequestQuery } from "../analysis-service.js";
import { JSON_TYPES } from "../body-types.js";
import { HttpError } from "../http-error.js";
import { textBody } from "./text-body.js";
import { isoTime, windowJson } from "../json-times.js";
import { parametersOf } from "../openapi.js";
import { QueryReader } from "../query-reader.js";
import { jsonBody } from "../response-cache.js";
import type { CachedBody } from "../response-cache.js";

/** The two sides of a diff; a side left out is the daemon's current policy model. */
type Side = "old" | "new";

/** What a side of the answer says it was. */
export const CURRENT_POLICIES = "current policies";

/**
 * The diff body as the analysis takes it, checked where the request arrives: JSON (415
 * otherwise) that is not empty (400). Its fields are read by {@link policiesDiffAnswer}.
 */
export function policiesDiffBody(req: Request): NonNullable<AnalysisRequest["body"]> {
  return textBody(req, JSON_TYPES, 'the request body must be a JSON object: {"old": manifests, "new": manifests}', () => "json");
}

/** The body's manifests per side: YAML or JSON text; `undefined`: the current policies. */
function sidesOf(text: string): Readonly<Partial<Record<Side, string>>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "bad-body", `the request body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new HttpError(400, "bad-body", 'the request body must be a JSON object: {"old": manifests, "new": manifests}');
  const out: Partial<Record<Side, string>> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== "old" && key !== "new") throw new HttpError(400, "bad-body", `request body.${key}: unknown field; the fields are old and new`);
    if (typeof v !== "string") throw new HttpError(400, "bad-body", `request body.${key}: must be a string of YAML or JSON manifests`);
    out[key] = v;
  }
  if (out.old === undefined && out.new === undefined) throw new HttpError(400, "bad-body", "request body: give old, new or both (a side left out is the current policies)");
  return out;
}

/** One side's manifests parsed; its problems are added to `problems`, and a side with problems and no policy is a 400. */
function parseSide(side: Side, text: string, problems: string[]): ParsedPolicies {
  const name = `request body.${side}`;
  const read = parsePolicyText(text, { name, format: "yaml" });
  const parsed = parsePolicyDocuments(read.documents);
  const found = [
    ...read.problems.map((p) => `${[name, p.documentIndex === undefined ? undefined : `document ${p.documentIndex}`, p.line === undefined ? undefined : `line ${p.line}`].filter((x) => x !== undefined).join(", ")}: ${p.message}`),
    ...parsed.problems.map(formatProblem),
  ];
  problems.push(...found);
  // No policy at all is a valid side (every policy removed), unless it comes from text that did not parse.
  if (parsed.networkPolicies.length + parsed.ciliumPolicies.length === 0 && found.length > 0) {
    throw new HttpError(400, "no-policies", `${name} holds no NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy; problems: ${found.slice(0, 5).join("; ")}`);
  }
  return parsed;
}

/**
 * `POST /api/v1/policies/diff`: the observed connections of the window whose verdict changes
 * from the `old` policies to the `new` ones, with the rules responsible on each side.
 */
export function policiesDiffAnswer(analysis: Analysis, query: RequestQuery, body: NonNullable<AnalysisRequest["body"]>): CachedBody {
  const q = new QueryReader(query, parametersOf("/api/v1/policies/diff", "post"));
  const window = { namespace: q.namespace("namespace"), since: q.given("since"), until: q.given("until") };
  const sides = sidesOf(body.text);
  const problems: string[] = [];
  const old = sides.old === undefined ? undefined : parseSide("old", sides.old, problems);
  const next = sides.new === undefined ? undefined : parseSide("new", sides.new, problems);
  const diff = analysis.diffPolicies({ old, new: next }, window);
  if (diff.window === undefined) throw new Error("a diff over the graph states its window");
  return jsonBody({
    generatedAt: isoTime(analysis.asOfMs), window: windowJson(diff.window),
    old: sides.old === undefined ? CURRENT_POLICIES : "request body.old", new: sides.new === undefined ? CURRENT_POLICIES : "request body.new",
    compared: diff.compared, changes: diff.changes, problems,
  });
}
