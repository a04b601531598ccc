import { computeOverPermission, createPolicyView, directionOutcome, findWouldBeDrops, survivesDefaultDeny } from "../audit/index.js";
import type { PolicyView } from "../audit/index.js";
import type { Identity } from "../flows/index.js";
import type { ObservedGraph } from "../graph/index.js";
import { compilePolicyModel, formatProblem, parsePolicyDocuments } from "../policy/index.js";
import type { L7Request, PolicyModel, SemanticsName, SourceDocument } from "../policy/index.js";
import type { ExpectedDrop } from "./render-common.js";
import type { ObservedTraffic, PermissionReport, RecommendedPolicy, ReplayDrop, ValidationReport } from "./types.js";
import { worldStats } from "./world-stats.js";

/** What a replay needs. */
export interface ReplayInput {
  readonly graph: ObservedGraph;
  readonly policies: readonly RecommendedPolicy[];
  readonly traffic: readonly ObservedTraffic[];
  readonly expected: readonly ExpectedDrop[];
  /** Subjects outside this namespace are not judged; undefined: all. */
  readonly namespace: string | undefined;
  readonly semantics: SemanticsName;
  /** Also replay HTTP requests (the set has HTTP rules). */
  readonly l7: boolean;
}

/** The policy documents of a recommended set, as a file source would hand them to the parser. */
export function documentsOf(policies: readonly RecommendedPolicy[]): readonly SourceDocument[] {
  return policies.map((p, documentIndex) => ({ origin: { source: "file", file: `${p.namespace}/${p.kind}/${p.name}`, documentIndex }, object: structuredClone(p.object) }));
}

/**
 * Parses and compiles a recommended set with the policy core. The set must round-trip:
 * every object parses with zero problems and nothing is ignored, else the messages.
 */
export function compileRecommended(policies: readonly RecommendedPolicy[]): { ok: true; model: PolicyModel } | { ok: false; messages: readonly string[] } {
  const parsed = parsePolicyDocuments(documentsOf(policies));
  const messages = [...parsed.problems.map(formatProblem), ...parsed.ignored.map((i) => `${i.kind} ${i.name ?? ""}: ${i.note}`)];
  return messages.length > 0 ? { ok: false, messages } : { ok: true, model: compilePolicyModel(parsed) };
}

const dropKey = (d: { source: string; destination: string; protocol: string; port: number }, direction: string): string =>
  `${d.source}|${d.destination}|${d.protocol}|${d.port}|${direction}`;

function inScope(identity: Identity, namespace: string | undefined): boolean {
  return identity.kind === "workload" && (namespace === undefined || identity.namespace === namespace);
}

/** Requests of a traffic entry to replay through L7 rules. */
function requestsOf(t: ObservedTraffic, l7: boolean): L7Request[] {
  const http: L7Request[] = l7 ? t.edge.http.map((h) => ({ kind: "http", method: h.method, path: h.path, host: "", headers: [] })) : [];
  return [...http, ...t.edge.dns.map((d): L7Request => ({ kind: "dns", query: d.query }))];
}

/** Drops the audit does not see: dropped-only traffic kept with includeDrops, and L7 requests. */
function extraDrops(input: ReplayInput, view: PolicyView): ReplayDrop[] {
  const out: ReplayDrop[] = [];
  for (const t of input.traffic) {
    const ported = t.protocol === "TCP" || t.protocol === "UDP" || t.protocol === "SCTP";
    const base = { source: view.endpoint(t.source), destination: view.endpoint(t.destination), protocol: t.protocol, ...(ported ? { port: t.port } : {}) };
    const at = { source: t.source.key, destination: t.destination.key, protocol: t.protocol, port: t.port };
    const judge = (detail: string, l7?: L7Request): void => {
      const e = view.evaluator.evaluate(l7 === undefined ? base : { ...base, l7 });
      for (const direction of ["egress", "ingress"] as const) {
        const subject = direction === "egress" ? t.source : t.destination;
        if (inScope(subject, input.namespace) && !survivesDefaultDeny(directionOutcome(e[direction]))) out.push({ ...at, detail: `${detail} denied at ${direction}` });
      }
    };
    if (t.edge.connectionsByVerdict.DROPPED !== undefined) judge("connection");
    for (const r of requestsOf(t, input.l7)) judge(r.kind === "http" ? `${r.method} ${r.path}` : `dns ${r.query}`, r);
  }
  return out;
}

/**
 * Replays the window through a recommended set: the audit's would-be drops of the set
 * (L3/L4, default-deny everywhere policy applies) for subjects in scope, plus L7 requests
 * and dropped traffic that was asked for. Drops the renderer announced (peers or protocols
 * the kind cannot express) are reported as expected; any other drop is a failure.
 */
export function replayRecommended(input: ReplayInput): { ok: true; report: ValidationReport } | { ok: false; messages: readonly string[] } {
  const compiled = compileRecommended(input.policies);
  if (!compiled.ok) return { ok: false, messages: compiled.messages.map((m) => `generated policy does not round-trip: ${m}`) };
  const view = createPolicyView(compiled.model, { semantics: input.semantics });
  const expected = new Set(input.expected.map((e) => dropKey({ ...e.traffic, source: e.traffic.source.key, destination: e.traffic.destination.key }, e.direction)));
  const drops: ReplayDrop[] = [];
  for (const group of findWouldBeDrops(input.graph, view, { auditVerdicts: "ignore" })) {
    if (group.namespace === "" || (input.namespace !== undefined && group.namespace !== input.namespace)) continue;
    for (const e of group.edges) drops.push({ source: e.source, destination: e.destination, protocol: e.protocol, port: e.port, detail: `connection ${e.causes.join("+")} at ${group.direction}` });
  }
  drops.push(...extraDrops(input, view));
  const expectedDrops = drops.filter((d) => expected.has(dropKey(d, d.detail.endsWith("egress") ? "egress" : "ingress")));
  const unexpected = drops.filter((d) => !expectedDrops.includes(d));
  if (unexpected.length > 0) {
    return { ok: false, messages: unexpected.map((d) => `replay drops ${d.source} -> ${d.destination} ${d.protocol}/${d.port}: ${d.detail}`) };
  }
  const overPermission = computeOverPermission(input.graph, view, input.namespace === undefined ? {} : { namespace: input.namespace });
  const permissions: PermissionReport = { overPermission, world: worldStats(input.policies, input.traffic) };
  return { ok: true, report: { replayed: input.traffic.length, expectedDrops, permissions } };
}
