import { auditGraph, createPolicyView, diffPolicies, edgeText, edgesWantingExamples, withExamples } from "../audit/index.js";
import type { AuditReport, PolicyDiff, PolicyView } from "../audit/index.js";
import { edgeSamples, queryGraph, resolveWindow } from "../graph/index.js";
import type { EdgeSample, GraphStore, ObservedGraph, TimeWindow } from "../graph/index.js";
import { compilePolicyModel, withInventory } from "../policy/index.js";
import type { ParsedPolicies } from "../policy/index.js";
import { recommendPolicies, whatIf } from "../recommend/index.js";
import type { PolicyKindChoice, RecommendResult, WhatIfReport } from "../recommend/index.js";
import { HttpError, badParameter } from "./http-error.js";
import type { PolicySnapshot } from "./policy-snapshot.js";

/** The window of a request: `since`/`until` as given (durations before the analysis time, or RFC 3339). */
export interface WindowQuery {
  readonly namespace?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
}

/** What `recommend` is asked for. */
export interface RecommendQuery extends WindowQuery {
  readonly kind: PolicyKindChoice;
  readonly l7: boolean;
  readonly portRanges: boolean;
  readonly includeDrops: boolean;
  readonly includeAudit: boolean;
  readonly worldPrefix: number;
}

/** Options of {@link Analysis}. */
export interface AnalysisOptions {
  readonly store: GraphStore;
  /** The current policy model; undefined until one is loaded. */
  readonly policies: () => PolicySnapshot | undefined;
  readonly now: () => number;
  /** Start of the default window as a duration (`7d`): the periodic audit's window and the default `since`. */
  readonly defaultSince: string;
  /** Results kept per generation and kind, at most (oldest dropped first); default 16. Audits of large graphs are big. */
  readonly maxCached?: number;
}

/** Sampled edges whose examples an audit attaches, at most. */
const MAX_EXAMPLE_EDGES = 500;
/** The whole retained history, for when unused rules last matched. */
const ALL_TIME: TimeWindow = { sinceMs: 0, untilMs: Number.MAX_SAFE_INTEGER };

/**
 * Audits, recommendations and what-ifs over the graph, computed as of one moment (a
 * generation) and cached until the next: {@link refresh} starts a new generation with the
 * current policy model and returns the cluster-wide audit of the default window. Relative
 * windows (`since=24h`) are taken relative to the generation's time, so every answer of a
 * generation is consistent and repeated requests cost one computation.
 */
export class Analysis {
  private atMs: number;
  private generationNumber = 0;
  private snapshot: PolicySnapshot | undefined;
  private latestAudit: AuditReport | undefined;
  private readonly audits: Map<string, AuditReport> = new Map();
  private readonly recommendations: Map<string, RecommendResult> = new Map();
  private readonly maxCached: number;

  constructor(private readonly options: AnalysisOptions) {
    this.atMs = options.now();
    this.snapshot = options.policies();
    this.maxCached = options.maxCached ?? 16;
  }

  /** Counts refreshes: answers of one generation never change. */
  get generation(): number {
    return this.generationNumber;
  }

  /** Time (ms) the current generation's answers are computed as of. */
  get asOfMs(): number {
    return this.atMs;
  }

  /** The cluster-wide audit of the last refresh; undefined before one with a policy model. */
  get latest(): AuditReport | undefined {
    return this.latestAudit;
  }

  /** The policy model the current generation uses. */
  get policies(): PolicySnapshot | undefined {
    return this.snapshot;
  }

  /** Starts a new generation now; returns its cluster-wide audit (undefined while no policy model is loaded). */
  refresh(): AuditReport | undefined {
    this.atMs = this.options.now();
    this.generationNumber++;
    this.snapshot = this.options.policies();
    this.audits.clear();
    this.recommendations.clear();
    this.latestAudit = this.snapshot === undefined ? undefined : this.audit({});
    return this.latestAudit;
  }

  /** The window a query names, as of this generation; a 400 names the bad parameter. */
  windowOf(query: WindowQuery, nowMs = this.atMs): TimeWindow {
    const resolved = resolveWindow({ since: query.since, until: query.until }, nowMs, this.options.defaultSince);
    if (resolved.ok) return resolved.window;
    const first = resolved.problems[0];
    throw badParameter(first?.path.replace(/^--/, "") ?? "since", first?.message ?? "invalid window");
  }

  /** The observed graph of a window, live (as of now, not of the generation). */
  graph(query: WindowQuery & { readonly workload?: string | undefined }): ObservedGraph {
    const window = this.windowOf(query, this.options.now());
    return queryGraph(this.options.store, { window, namespace: query.namespace, workload: query.workload });
  }

  /** The audit of a window against the generation's policy model; 503 while none is loaded. */
  audit(query: WindowQuery): AuditReport {
    const snapshot = this.requirePolicies();
    const window = this.windowOf(query);
    return this.cached(this.audits, `${query.namespace ?? ""}|${window.sinceMs}|${window.untilMs}`, () => {
      const graph = queryGraph(this.options.store, { window, namespace: query.namespace });
      const history = queryGraph(this.options.store, { window: ALL_TIME, namespace: query.namespace });
      const report = auditGraph({ graph, history, view: snapshot.view, nowMs: this.atMs, ...(query.namespace === undefined ? {} : { namespace: query.namespace }) });
      return auditWithExamples(this.options.store, report);
    });
  }

  /** Least-privilege policies for a window (validated by replay); needs no policy model. */
  recommend(query: RecommendQuery): RecommendResult {
    const window = this.windowOf(query);
    const key = [query.namespace ?? "", window.sinceMs, window.untilMs, query.kind, query.l7, query.portRanges, query.includeDrops, query.includeAudit, query.worldPrefix].join("|");
    return this.cached(this.recommendations, key, () => {
      // The whole window, not only the namespace: selectors must tell its workloads apart from
      // every other one of their peers' namespaces too.
      const graph = queryGraph(this.options.store, { window });
      return recommendPolicies(graph, {
        kind: query.kind, namespaces: query.namespace === undefined ? undefined : [query.namespace], l7: query.l7, portRanges: query.portRanges, includeDrops: query.includeDrops, includeAudit: query.includeAudit,
        worldPrefix: query.worldPrefix, semantics: this.snapshot?.view.evaluator.semantics ?? "cilium",
        apiServerAddresses: apiServerAddresses(this.options.store, graph),
      });
    });
  }

  /**
   * What proposed policies would do to a window's traffic. Namespace and Pod objects of the
   * current model are added to the proposal's own, so selectors see the cluster's labels.
   */
  whatIf(proposal: ParsedPolicies, query: WindowQuery): WhatIfReport {
    const window = this.windowOf(query);
    const graph = queryGraph(this.options.store, { window, namespace: query.namespace });
    return whatIf(graph, this.withCurrentInventory(proposal), { namespace: query.namespace, semantics: this.snapshot?.view.evaluator.semantics ?? "cilium", nowMs: this.atMs });
  }

  /**
   * The connectivity that changes between two policy sets over a window's observed
   * connections. An `undefined` set is the current policy model (503 while none is loaded);
   * a given set gets the current model's Namespace and Pod objects, as in {@link whatIf}.
   */
  diffPolicies(sets: { readonly old: ParsedPolicies | undefined; readonly new: ParsedPolicies | undefined }, query: WindowQuery): PolicyDiff {
    const old = this.viewOf(sets.old);
    const next = this.viewOf(sets.new);
    const graph = queryGraph(this.options.store, { window: this.windowOf(query), namespace: query.namespace });
    return diffPolicies(graph, old, next);
  }

  private viewOf(set: ParsedPolicies | undefined): PolicyView {
    if (set === undefined) return this.requirePolicies().view;
    return createPolicyView(compilePolicyModel(this.withCurrentInventory(set)), { semantics: this.snapshot?.view.evaluator.semantics ?? "cilium" });
  }

  /** A proposal with the current model's Namespace and Pod objects it does not name itself, so selectors see the cluster's labels. */
  private withCurrentInventory(proposal: ParsedPolicies): ParsedPolicies {
    const current = this.snapshot?.parsed;
    return current === undefined ? proposal : withInventory(proposal, current);
  }

  /** The generation's policy model; a 503 while none is loaded yet. */
  requirePolicies(): PolicySnapshot {
    if (this.snapshot === undefined) throw new HttpError(503, "policies-not-loaded", "the policy model is not loaded yet; see /readyz");
    return this.snapshot;
  }

  private cached<T>(cache: Map<string, T>, key: string, compute: () => T): T {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    if (cache.size >= this.maxCached) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, value);
    return value;
  }
}

/** Attaches stored sample flows to the findings that want examples (bounded). */
export function auditWithExamples(store: GraphStore, report: AuditReport): AuditReport {
  const samples = new Map<string, readonly EdgeSample[]>();
  for (const edge of edgesWantingExamples(report).slice(0, MAX_EXAMPLE_EDGES)) samples.set(edgeText(edge), edgeSamples(store, edge));
  return withExamples(report, samples);
}

/** Addresses the API server was reached on, from stored sample connections (for NetworkPolicy ipBlock rules). */
export function apiServerAddresses(store: GraphStore, graph: ObservedGraph): string[] {
  const out = new Set<string>();
  for (const e of graph.edges.filter((x) => x.destination === "reserved:kube-apiserver")) {
    for (const s of edgeSamples(store, e)) {
      const ip = s.connection.destinationIp;
      if (typeof ip === "string" && ip !== "") out.add(ip);
    }
  }
  return [...out].sort();
}
