import { EVENT_TYPE } from "./flow.js";
import type { Flow, PolicyRef, Verdict } from "./flow.js";
import type { SideVerdict, VerdictSource } from "./connection.js";

/** Which side of a connection a flow reports on. */
export type Side = "egress" | "ingress" | "unknown";

/**
 * The side a flow's verdict belongs to. Hubble's traffic_direction says it for policy
 * verdicts, drops and most traces; when it is missing, a packet delivered to an endpoint
 * (TO_ENDPOINT) was judged at that endpoint's ingress and one leaving an endpoint
 * (FROM_ENDPOINT) at the source's egress. Anything else stays unknown.
 */
export function sideOf(flow: Flow): Side {
  if (flow.trafficDirection === "EGRESS") return "egress";
  if (flow.trafficDirection === "INGRESS") return "ingress";
  if (flow.traceObservationPoint === "TO_ENDPOINT") return "ingress";
  if (flow.traceObservationPoint === "FROM_ENDPOINT") return "egress";
  return "unknown";
}

const STRENGTH: Readonly<Record<VerdictSource, number>> = { drop: 4, "policy-verdict": 3, l7: 2, trace: 1 };

function sourceOf(flow: Flow): VerdictSource {
  if (flow.eventType.type === EVENT_TYPE.policyVerdict) return "policy-verdict";
  if (flow.verdict === "DROPPED" || flow.eventType.type === EVENT_TYPE.drop) return "drop";
  if (flow.l7) return "l7";
  return "trace";
}

function policyNames(refs: readonly PolicyRef[]): readonly string[] {
  // join: one flat string each, as these stay with the connection and its stored sample.
  return refs.map((p) => (p.namespace ? [p.kind || "policy", p.namespace, p.name] : [p.kind || "policy", p.name]).join("/"));
}

const NO_POLICIES: readonly string[] = Object.freeze([]);

// Side verdicts that name no policy are few (verdict × drop reason × source) and immutable,
// so one object each is shared by every connection that has it.
const policyless = new Map<string, SideVerdict>();
const MAX_POLICYLESS = 4096;

/** The verdict a flow reports for the given side. */
export function sideVerdictOf(flow: Flow, side: Side): SideVerdict {
  const allowed = side === "egress" ? flow.egressAllowedBy : side === "ingress" ? flow.ingressAllowedBy : [];
  const denied = side === "egress" ? flow.egressDeniedBy : side === "ingress" ? flow.ingressDeniedBy : [];
  const verdict = flow.verdict;
  const dropReason = verdict === "DROPPED" ? flow.dropReason : undefined;
  const source = sourceOf(flow);
  if (allowed.length > 0 || denied.length > 0) {
    return { verdict, dropReason, source, policies: policyNames([...allowed, ...denied]) };
  }
  const key = [verdict, dropReason ?? "", source].join("|");
  const known = policyless.get(key);
  if (known) return known;
  const created: SideVerdict = { verdict, dropReason, source, policies: NO_POLICIES };
  if (policyless.size < MAX_POLICYLESS) policyless.set(key, created);
  return created;
}

/**
 * Keeps the verdict of record for a side: a drop beats a policy verdict, which beats an L7
 * record, which beats a plain trace. A policy-verdict event is what Cilium's policy engine
 * decided (ALLOWED, DENIED or AUDIT); traces only show that a packet moved.
 */
export function strongerVerdict(current: SideVerdict | undefined, flow: Flow, side: Side): SideVerdict {
  // Most packets of a connection are traces that cannot beat what is already recorded;
  // deciding that first avoids building a verdict for each of them.
  if (current && STRENGTH[sourceOf(flow)] <= STRENGTH[current.source]) return current;
  return sideVerdictOf(flow, side);
}

// Most severe first: how an overall verdict is chosen from the sides.
const SEVERITY: readonly Verdict[] = ["DROPPED", "AUDIT", "ERROR", "REDIRECTED", "FORWARDED", "TRANSLATED", "TRACED"];

/** The overall verdict of a connection from its sides (see {@link Connection.verdict}). */
export function overallVerdict(
  ...sides: readonly (SideVerdict | undefined)[]
): { verdict: Verdict; dropReason: string | undefined } {
  let best: SideVerdict | undefined;
  let bestRank = SEVERITY.length;
  for (const side of sides) {
    if (!side) continue;
    const rank = SEVERITY.indexOf(side.verdict);
    if (rank >= 0 && rank < bestRank) {
      best = side;
      bestRank = rank;
    }
  }
  return best ? { verdict: best.verdict, dropReason: best.dropReason } : { verdict: "VERDICT_UNKNOWN", dropReason: undefined };
}
