import { auditGraph, createPolicyView, findWouldBeDrops } from "../audit/index.js";
import type { Finding, WouldBeDrop } from "../audit/index.js";
import type { EffectiveWindow, ObservedGraph } from "../graph/index.js";
import { compilePolicyModel } from "../policy/index.js";
import type { CompileInput, SemanticsName } from "../policy/index.js";

/** Options of {@link whatIf}. */
export interface WhatIfOptions {
  /** Judge only subjects and rules of this namespace; undefined: all. */
  readonly namespace?: string | undefined;
  /** undefined: `cilium`. */
  readonly semantics?: SemanticsName | undefined;
  /** Time of the report (ms since the epoch), for the unused-rule findings. */
  readonly nowMs: number;
}

/** What a proposed policy set would do to the traffic of a window, without applying it. */
export interface WhatIfReport {
  /** The window of the replayed traffic (the graph's: wider than asked, with a note, where buckets reached across it). */
  readonly window: EffectiveWindow;
  /** Observed connections the proposal denies as written (per subject and direction). */
  readonly dropped: readonly WouldBeDrop[];
  /** Observed connections that pass only because the proposal leaves their subject unisolated; default-deny would drop them. */
  readonly notIsolated: readonly WouldBeDrop[];
  /** Allow rules (and peers and ports inside them) of the proposal no observed connection matched, and policies that select nothing. */
  readonly unused: readonly Extract<Finding, { kind: "unused-allow" | "unselected-policy" }>[];
  readonly policies: number;
}

function split(drops: readonly WouldBeDrop[], cause: "denied" | "not-isolated"): WouldBeDrop[] {
  const out: WouldBeDrop[] = [];
  for (const d of drops) {
    const edges = d.edges.filter((e) => e.causes.includes(cause));
    if (edges.length > 0) out.push({ ...d, edges });
  }
  return out;
}

/**
 * Replays a window through a proposed policy set (parsed specs): which observed
 * connections it would drop, which would drop only once default-deny isolates their
 * subjects, and which of its rules would go unused. Pure; nothing is applied.
 */
export function whatIf(graph: ObservedGraph, proposal: CompileInput, options: WhatIfOptions): WhatIfReport {
  const model = compilePolicyModel(proposal);
  const view = createPolicyView(model, options.semantics === undefined ? {} : { semantics: options.semantics });
  const scoped = findWouldBeDrops(graph, view, { auditVerdicts: "ignore" }).filter((d) => options.namespace === undefined || d.namespace === options.namespace);
  const report = auditGraph({ graph, view, nowMs: options.nowMs, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) });
  const unused = report.findings.filter((f): f is Extract<Finding, { kind: "unused-allow" | "unselected-policy" }> => f.kind === "unused-allow" || f.kind === "unselected-policy");
  return { window: graph.window, dropped: split(scoped, "denied"), notIsolated: split(scoped, "not-isolated"), unused, policies: model.policies.length };
}
