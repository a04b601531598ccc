import { computeOverPermission, createPolicyView } from "../audit/index.js";
import type { EndpointVariant, Identity } from "../flows/index.js";
import type { EdgeVariant, ObservedEdge, ObservedGraph } from "../graph/index.js";
import { compilePolicyModel, endpointFromFlowEndpoint, formatProblem, parsePolicyDocuments } from "../policy/index.js";
import type { ConnectionInput, Evaluation, L7Request, PolicyEvaluator, PolicyModel, SemanticsName, SourceDocument, SourceOrigin } from "../policy/index.js";
import { templatePath } from "./l7-rules.js";
import type { ExpectedDrop } from "./render-common.js";
import type { ExcludedTraffic } from "./traffic.js";
import { variantOfIdentity } from "./traffic.js";
import type { ObservedTraffic, PermissionReport, RecommendedPolicy, ReplayDrop, ValidationReport } from "./types.js";
import { worldStats } from "./world-stats.js";

/** What a replay needs. */
export interface ReplayInput {
  readonly graph: ObservedGraph;
  readonly policies: readonly RecommendedPolicy[];
  readonly traffic: readonly ObservedTraffic[];
  readonly excluded: readonly ExcludedTraffic[];
  readonly expected: readonly ExpectedDrop[];
  /** Namespaces whose over-permission is reported; undefined: all. */
  readonly namespaces: readonly string[] | undefined;
  readonly semantics: SemanticsName;
}

function originOf(p: RecommendedPolicy, documentIndex: number): SourceOrigin {
  return { source: "file", file: `${p.namespace}/${p.kind}/${p.name}`, documentIndex };
}

/** The policy documents of a recommended set, as a file source would hand them to the parser. */
export function documentsOf(policies: readonly RecommendedPolicy[]): readonly SourceDocument[] {
  return policies.map((p, documentIndex) => ({ origin: originOf(p, documentIndex), object: structuredClone(p.object) }));
}

/**
 * Parses and compiles a recommended set with the policy core. The set must round-trip:
 * every object parses with zero problems and nothing is ignored, else the messages.
 */
export function compileRecommended(policies: readonly RecommendedPolicy[]): { ok: true; model: PolicyModel } | { ok: false; messages: readonly string[] } {
  // The parser only reads the objects and keeps none of them, so they are handed over
  // uncopied: copies of a large set would all stay live (and be promoted) for the parse.
  const parsed = parsePolicyDocuments(policies.map((p, documentIndex) => ({ origin: originOf(p, documentIndex), object: p.object })));
  const messages = [...parsed.problems.map(formatProblem), ...parsed.ignored.map((i) => `${i.kind} ${i.name ?? ""}: ${i.note}`)];
  return messages.length > 0 ? { ok: false, messages } : { ok: true, model: compilePolicyModel(parsed) };
}

/** The endpoint policy sees for a variant: what `simulate` builds from a flow endpoint with these labels, address and names. */
function endpointOfVariant(v: EndpointVariant): ReturnType<typeof endpointFromFlowEndpoint> {
  return endpointFromFlowEndpoint({ id: 0, identity: v.identity, clusterName: "", namespace: v.namespace, labels: v.labels, podName: "", workloads: [] }, v.ip, v.dnsNames);
}

function inputOf(edge: ObservedEdge, source: EndpointVariant, destination: EndpointVariant, l7?: L7Request): ConnectionInput {
  const ported = edge.protocol === "TCP" || edge.protocol === "UDP" || edge.protocol === "SCTP";
  const icmp = edge.protocol === "ICMPv4" || edge.protocol === "ICMPv6";
  return {
    source: endpointOfVariant(source), destination: endpointOfVariant(destination), protocol: edge.protocol === "OTHER" ? "UNKNOWN" : edge.protocol,
    ...(ported ? { port: edge.port } : {}), ...(icmp ? { icmpType: edge.port } : {}), ...(l7 === undefined ? {} : { l7 }),
  };
}

/** Which directions an evaluation denies. */
function deniedAt(e: Evaluation): ("egress" | "ingress")[] {
  return (["egress", "ingress"] as const).filter((d) => e[d].verdict === "denied");
}

/** The flows of an edge per variant; an edge without recorded variants stands for its passed connections with its identities' labels. */
function variantsOf(edge: ObservedEdge, source: Identity, destination: Identity): readonly EdgeVariant[] {
  if (edge.variants !== undefined && edge.variants.length > 0) return edge.variants;
  const passed = Object.entries(edge.connectionsByVerdict).reduce((n, [v, c]) => n + (v === "FORWARDED" || v === "REDIRECTED" ? c : 0), 0);
  return [{ source: variantOfIdentity(source), destination: variantOfIdentity(destination), forwarded: passed + edge.existing, l7: 0, audited: 0, dropped: 0, firstSeenMs: edge.firstSeenMs, lastSeenMs: edge.lastSeenMs }];
}

/** The L7 requests of an edge as the proxy saw them, one per stored row, with the flows it stands for. */
function requestsOf(edge: ObservedEdge): { readonly request: L7Request | undefined; readonly text: string; readonly flows: number }[] {
  const out: { request: L7Request | undefined; text: string; flows: number }[] = [];
  for (const h of edge.http) {
    const path = templatePath(h.path);
    // Rows past the per-edge bound carry no path; the set then has no HTTP rules on the port.
    out.push({ request: path === undefined ? undefined : { kind: "http", method: h.method, path, host: "", headers: [] }, text: `${h.method} ${h.path}`, flows: h.passed ?? h.count });
  }
  for (const d of edge.dns) out.push({ request: d.query === "<other>" ? undefined : { kind: "dns", query: d.query }, text: `dns ${d.query}`, flows: d.passed ?? d.count });
  return out;
}

interface Tally {
  flows: number;
  /** Flows denied, each once, whichever direction denied it (or both). */
  denied: number;
  /** Denied flows per edge, direction and request (a flow denied both ways is in two). */
  drops: ReplayDrop[];
  /** Denied flows whose drop was not expected. */
  unexpected: number;
}

/** Why a drop of this edge in this direction is expected; undefined: it is not. */
type ExpectedReason = (edge: ObservedEdge, direction: "egress" | "ingress") => string | undefined;

function judgeEdge(edge: ObservedEdge, source: Identity, destination: Identity, evaluator: PolicyEvaluator, tally: Tally, expected: ExpectedReason): void {
  const variants = variantsOf(edge, source, destination);
  const drop = (directions: readonly ("egress" | "ingress")[], detail: string, flows: number): void => {
    if (flows === 0 || directions.length === 0) return;
    tally.denied += flows;
    let surprise = false;
    for (const d of directions) {
      const reason = expected(edge, d);
      if (reason === undefined) surprise = true;
      tally.drops.push({ source: edge.source, destination: edge.destination, protocol: edge.protocol, port: edge.port, detail: `${detail}${d}`, flows, ...(reason === undefined ? {} : { expected: reason }) });
    }
    if (surprise) tally.unexpected += flows;
  };
  for (const v of variants) {
    tally.flows += v.forwarded + v.l7;
    if (v.forwarded > 0) drop(deniedAt(evaluator.evaluate(inputOf(edge, v.source, v.destination))), "", v.forwarded);
  }
  const withL7 = variants.filter((v) => v.l7 > 0);
  if (withL7.length === 0) return;
  for (const r of requestsOf(edge)) {
    // A row holds requests of any variant of the edge: denied when any variant with L7
    // requests is denied it (exact whenever one label set made the requests).
    const denied = [...new Set(withL7.flatMap((v) => deniedAt(evaluator.evaluate(inputOf(edge, v.source, v.destination, r.request)))))];
    drop(denied, `${r.text} at `, r.flows);
  }
}

const edgeKey = (d: { source: string; destination: string; protocol: string; port: number }): string => `${d.source}|${d.destination}|${d.protocol}|${d.port}`;

/**
 * Replays every request-direction flow of the window that got through (every observation
 * point's record, as Hubble reported it) through a recommended set, evaluating exactly what
 * `simulate` evaluates for those flows: the labels, address and DNS names each end carried,
 * protocol, port or ICMP type, and for HTTP and DNS records the request. Drops of traffic
 * the renderer announced (kinds that cannot express a peer or protocol), of traffic left
 * out on purpose (AUDIT verdicts, drops) and of workloads whose policy was left out are
 * expected and reported with their reason; any other drop is a failure.
 */
export function replayRecommended(input: ReplayInput): { ok: true; report: ValidationReport } | { ok: false; messages: readonly string[] } {
  const compiled = compileRecommended(input.policies);
  if (!compiled.ok) return { ok: false, messages: compiled.messages.map((m) => `generated policy does not round-trip: ${m}`) };
  const view = createPolicyView(compiled.model, { semantics: input.semantics });
  const identities = new Map(input.graph.identities.map((o) => [o.identity.key, o.identity]));
  const expected = new Map<string, string>();
  for (const e of input.expected) expected.set(`${edgeKey(e.traffic.edge)}|${e.direction}`, e.reason);
  const excluded = new Map(input.excluded.map((x) => [edgeKey(x.edge), x.reason === "audit" ? "AUDIT verdicts are left out (--include-audit)" : "dropped traffic is left out (--include-drops)"]));
  const reasonOf: ExpectedReason = (edge, direction) => expected.get(`${edgeKey(edge)}|${direction}`) ?? excluded.get(edgeKey(edge));
  const tally: Tally = { flows: 0, denied: 0, drops: [], unexpected: 0 };
  let unknownDirection = 0;
  for (const edge of input.graph.edges) {
    unknownDirection += edge.unknown ?? 0;
    const source = identities.get(edge.source);
    const destination = identities.get(edge.destination);
    if (source === undefined || destination === undefined) continue;
    judgeEdge(edge, source, destination, view.evaluator, tally, reasonOf);
  }
  const { drops } = tally;
  const unexpected = drops.filter((d) => d.expected === undefined);
  if (unexpected.length > 0) {
    return { ok: false, messages: unexpected.map((d) => `replay denies ${d.flows} flows ${d.source} -> ${d.destination} ${d.protocol}/${d.port} at ${d.detail}`) };
  }
  const namespaces = input.namespaces ?? [];
  const overPermission = computeOverPermission(input.graph, view, namespaces.length === 1 && namespaces[0] !== undefined ? { namespace: namespaces[0] } : {});
  const permissions: PermissionReport = { overPermission, world: worldStats(input.policies, input.traffic) };
  return { ok: true, report: { flows: tally.flows, denied: tally.denied, drops, unknownDirection, permissions } };
}
