import type { Identity } from "../flows/index.js";
import type { ObservedEdge, ObservedGraph } from "../graph/index.js";
import type { ConnectionInput, DirectionEvaluation, Evaluation } from "../policy/index.js";
import { identityOf, indexIdentities } from "./endpoints.js";
import type { PolicyView } from "./policy-view.js";
import { edgeTraffic } from "./traffic.js";
import type { EdgeTraffic } from "./traffic.js";

/**
 * What the policies do to one direction of an observed connection:
 * - `allowed`: an allow rule (or an implicit allow such as ingress from the local host)
 *   permits it, so it survives default-deny;
 * - `not-isolated`: no policy isolates the subject in this direction and no allow rule
 *   matches, so it passes today only because nothing restricts it and would be dropped
 *   once default-deny is enforced with the current allow rules;
 * - `denied`: a deny rule matches, or the subject is isolated and no allow rule matches;
 * - `not-enforced`: endpoint policy does not apply to this side (world, nodes, peers
 *   Cilium does not manage).
 */
export type DirectionOutcome = "allowed" | "not-isolated" | "denied" | "not-enforced";

/** The policy view of one observed edge. */
export interface EdgeAssessment {
  readonly edge: ObservedEdge;
  readonly source: Identity;
  readonly destination: Identity;
  readonly traffic: EdgeTraffic;
  readonly evaluation: Evaluation;
  /** At the source's egress. */
  readonly egress: DirectionOutcome;
  /** At the destination's ingress. */
  readonly ingress: DirectionOutcome;
}

/** The outcome of one direction of an evaluation. */
export function directionOutcome(d: DirectionEvaluation): DirectionOutcome {
  if (d.notEnforced !== undefined) return "not-enforced";
  switch (d.verdict) {
    case "allowed":
      return "allowed";
    case "denied":
      return "denied";
    case "not-isolated":
      // A selecting policy without default deny (Cilium `enableDefaultDeny: false`) can
      // still match: that allow survives default-deny too.
      return d.rules.length > 0 || d.implicit !== undefined ? "allowed" : "not-isolated";
    default: {
      const never: never = d.verdict;
      throw new Error(`unknown verdict ${String(never)}`);
    }
  }
}

/** Whether a direction outcome lets the connection through once default-deny is enforced. */
export function survivesDefaultDeny(outcome: DirectionOutcome): boolean {
  return outcome === "allowed" || outcome === "not-enforced";
}

const PORTED = new Set(["TCP", "UDP", "SCTP"]);
const ICMP = new Set(["ICMPv4", "ICMPv6"]);

/**
 * The connection attempt an edge stands for, at L3/L4. The graph keeps an ICMP edge's
 * type in its port, which is the ICMP type policy matches.
 */
export function connectionInput(view: PolicyView, source: Identity, destination: Identity, protocol: string, port: number): ConnectionInput {
  return {
    source: view.endpoint(source),
    destination: view.endpoint(destination),
    protocol,
    ...(PORTED.has(protocol) ? { port } : {}),
    ...(ICMP.has(protocol) ? { icmpType: port } : {}),
  };
}

/** Evaluates every edge of a graph (at L3/L4: L7 rules count as matching the port). */
export function assessEdges(graph: ObservedGraph, view: PolicyView): readonly EdgeAssessment[] {
  const identities = indexIdentities(graph);
  return graph.edges.map((edge) => {
    const source = identityOf(identities, edge.source);
    const destination = identityOf(identities, edge.destination);
    const evaluation = view.evaluator.evaluate(connectionInput(view, source, destination, edge.protocol, edge.port));
    return {
      edge, source, destination, traffic: edgeTraffic(edge), evaluation,
      egress: directionOutcome(evaluation.egress), ingress: directionOutcome(evaluation.ingress),
    };
  });
}
