import type { EdgeAssessment } from "./assess.js";
import type { CatalogRule } from "./rule-catalog.js";
import { ruleFinder } from "./rule-catalog.js";
import { isUsed, portText, useCount } from "./traffic.js";

/** How much a rule, or one peer or port of it, was used. */
export interface PieceUse {
  /** Connections in the window (see `useCount`) and edges that used it. */
  connections: number;
  edges: number;
  /** Last time an edge that used it was seen in the retained history; `undefined`: never. */
  lastMatchedMs: number | undefined;
  /** Identity keys of subjects and peers, and `PROTO/port` texts, seen using it in the window. */
  readonly subjects: Set<string>;
  readonly peers: Set<string>;
  readonly ports: Set<string>;
}

/** Usage of one allow rule, whole and per peer and port index. */
export interface RuleUse {
  readonly rule: CatalogRule;
  readonly whole: PieceUse;
  readonly peers: Map<number, PieceUse>;
  readonly ports: Map<number, PieceUse>;
}

function emptyUse(): PieceUse {
  return { connections: 0, edges: 0, lastMatchedMs: undefined, subjects: new Set(), peers: new Set(), ports: new Set() };
}

function pieceOf(map: Map<number, PieceUse>, index: number): PieceUse {
  let use = map.get(index);
  if (use === undefined) map.set(index, (use = emptyUse()));
  return use;
}

function credit(use: PieceUse, a: EdgeAssessment, subject: string, peer: string, scope: "window" | "history"): void {
  if (scope === "history") {
    use.lastMatchedMs = Math.max(use.lastMatchedMs ?? -Infinity, a.edge.lastSeenMs);
    return;
  }
  use.connections += useCount(a.traffic);
  use.edges++;
  use.subjects.add(subject);
  use.peers.add(peer);
  use.ports.add(portText(a.edge.protocol, a.edge.port));
}

/**
 * Credits every allow rule that matched a used edge: window assessments count use, history
 * assessments (the whole retained graph) give the last time each rule, peer and port
 * matched. A rule matching an edge whose traffic was all dropped is not credited: nothing
 * used it. Peers and ports are credited to the first alternative that matches, as the
 * evaluator reports it, so a peer shadowed by an earlier one reads as unused.
 */
export function ruleUsage(
  catalog: readonly CatalogRule[],
  window: readonly EdgeAssessment[],
  history: readonly EdgeAssessment[],
): ReadonlyMap<string, RuleUse> {
  const find = ruleFinder(catalog);
  const usage = new Map<string, RuleUse>(catalog.map((rule) => [rule.key, { rule, whole: emptyUse(), peers: new Map(), ports: new Map() }]));
  const visit = (assessments: readonly EdgeAssessment[], scope: "window" | "history"): void => {
    for (const a of assessments) {
      if (!isUsed(a.traffic)) continue;
      for (const [direction, d] of [["egress", a.evaluation.egress], ["ingress", a.evaluation.ingress]] as const) {
        const subject = direction === "egress" ? a.edge.source : a.edge.destination;
        const peer = direction === "egress" ? a.edge.destination : a.edge.source;
        for (const ref of d.rules) {
          const rule = find(ref);
          const use = rule === undefined ? undefined : usage.get(rule.key);
          if (use === undefined) continue;
          credit(use.whole, a, subject, peer, scope);
          if (ref.peerIndex !== undefined) credit(pieceOf(use.peers, ref.peerIndex), a, subject, peer, scope);
          if (ref.portIndex !== undefined) credit(pieceOf(use.ports, ref.portIndex), a, subject, peer, scope);
        }
      }
    }
  };
  visit(window, "window");
  visit(history, "history");
  return usage;
}
