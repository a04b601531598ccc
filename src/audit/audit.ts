import type { EffectiveWindow, ObservedGraph } from "../graph/index.js";
import type { SemanticsName } from "../policy/index.js";
import { assessEdges } from "./assess.js";
import { dropsOf } from "./drops.js";
import { compareFindings, FINDING_KINDS } from "./finding.js";
import type { Finding } from "./finding.js";
import { dropFinding, overBroadFinding, wouldBeDropFinding } from "./finding-of.js";
import { overBroadAllowsOf } from "./over-broad.js";
import type { OverBroadOptions } from "./over-broad.js";
import { computeOverPermission } from "./over-permission.js";
import type { OverPermission } from "./over-permission.js";
import type { PolicyView } from "./policy-view.js";
import { readinessOf } from "./readiness.js";
import type { NamespaceReadiness } from "./readiness.js";
import { catalogRules } from "./rule-catalog.js";
import { ruleUsage } from "./rule-usage.js";
import { isolatingPolicies } from "./selection.js";
import { edgeText, isUsed, useCount } from "./traffic.js";
import type { EdgeAssessment } from "./assess.js";
import { unusedAllowsOf } from "./unused-allows.js";
import { wouldBeDropsOf } from "./would-be-drops.js";

/** What an audit looks at. */
export interface AuditInput {
  /** The observed graph of the window (already restricted to the namespace, if any). */
  readonly graph: ObservedGraph;
  /** The whole retained graph, for when unused rules last matched; `undefined`: the window only. */
  readonly history?: ObservedGraph;
  readonly view: PolicyView;
  /** The time of the report (ms since the epoch); the core reads no clock. */
  readonly nowMs: number;
  /** Report only findings and readiness of this namespace; `undefined`: everything. */
  readonly namespace?: string;
  readonly overBroad?: OverBroadOptions;
  /** Bound on over-permission evaluations; `undefined`: its default. */
  readonly maxEvaluations?: number;
}

/** Totals of a report. */
export interface AuditSummary {
  readonly edges: number;
  /** Used connections in the window (see `useCount`). */
  readonly connections: number;
  /** Of those, connections in would-be drops. */
  readonly wouldBeDropped: number;
  readonly policyDropped: number;
  readonly infrastructureDropped: number;
  /** Packets whose direction no record settled, on edges of the window (never counted as connections). */
  readonly unknownDirection: number;
  readonly findings: Readonly<Record<string, number>>;
}

/** The audit of one window against one policy model. */
export interface AuditReport {
  readonly generatedAtMs: number;
  /** The window the graph's counts cover (wider than asked, with a note, where buckets reached across it). */
  readonly window: EffectiveWindow;
  readonly semantics: SemanticsName;
  /** `undefined`: the whole cluster. */
  readonly namespace: string | undefined;
  readonly policies: number;
  readonly allowRules: number;
  readonly summary: AuditSummary;
  /** Sorted by kind, namespace and id. */
  readonly findings: readonly Finding[];
  readonly readiness: readonly NamespaceReadiness[];
  readonly overPermission: OverPermission;
}

/** Audits a window of observed traffic against the policies of `input.view`. */
export function auditGraph(input: AuditInput): AuditReport {
  const { graph, view } = input;
  const window = assessEdges(graph, view);
  const history = input.history === undefined ? window : assessEdges(input.history, view);
  const identities = graph.identities.map((o) => o.identity);
  const catalog = catalogRules(view.model);
  const usage = ruleUsage(catalog, window, history);
  const everyone = [...identities, ...(input.history?.identities.map((o) => o.identity) ?? [])];
  const drops = dropsOf(window);
  const findings: Finding[] = [
    ...wouldBeDropsOf(window).map(wouldBeDropFinding),
    ...drops.map(dropFinding),
    ...unusedAllowsOf(usage, isolatingPolicies(view, everyone)),
    ...overBroadAllowsOf(usage, view, identities, input.overBroad).map(overBroadFinding),
  ];
  const scoped = findings.filter((f) => input.namespace === undefined || f.namespace === input.namespace).sort(compareFindings);
  const readiness = readinessOf(window, identities, scoped, view).filter((r) => input.namespace === undefined || r.namespace === input.namespace);
  const byKind: Record<string, number> = {};
  for (const kind of FINDING_KINDS) {
    const n = scoped.filter((f) => f.kind === kind).length;
    if (n > 0) byKind[kind] = n;
  }
  const sumDrops = (cls: "policy" | "infrastructure"): number => drops.filter((d) => d.class === cls && (input.namespace === undefined || d.namespace === input.namespace)).reduce((n, d) => n + d.count, 0);
  return {
    generatedAtMs: input.nowMs, window: graph.window, semantics: view.evaluator.semantics, namespace: input.namespace,
    policies: view.model.policies.length, allowRules: catalog.length,
    summary: {
      edges: graph.edges.length,
      connections: window.filter((a) => isUsed(a.traffic)).reduce((n, a) => n + useCount(a.traffic), 0),
      wouldBeDropped: wouldBeDroppedConnections(window, scoped),
      policyDropped: sumDrops("policy"), infrastructureDropped: sumDrops("infrastructure"),
      unknownDirection: window.reduce((n, a) => n + (a.edge.unknown ?? 0), 0), findings: byKind,
    },
    findings: scoped, readiness,
    overPermission: computeOverPermission(graph, view, {
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      ...(input.maxEvaluations === undefined ? {} : { maxEvaluations: input.maxEvaluations }),
    }),
  };
}

/** Used connections on edges that appear in a would-be drop finding, each edge counted once. */
function wouldBeDroppedConnections(window: readonly EdgeAssessment[], findings: readonly Finding[]): number {
  const edges = new Set(findings.flatMap((f) => (f.kind === "would-be-drop" ? f.evidence.edges.map(edgeText) : [])));
  return window.filter((a) => edges.has(edgeText(a.edge))).reduce((n, a) => n + useCount(a.traffic), 0);
}
