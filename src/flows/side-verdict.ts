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
  return refs.map((p) => (p.namespace ? `${p.kind || "policy"}/${p.namespace}/${p.name}` : `${p.kind || "policy"}/${p.name}`));
}

/** The verdict a flow reports for the given side. */
export function sideVerdictOf(flow: Flow, side: Side): SideVerdict {
  const refs =
    side === "egress"
      ? [...flow.egressAllowedBy, ...flow.egressDeniedBy]
      : side === "ingress"
        ? [...flow.ingressAllowedBy, ...flow.ingressDeniedBy]
        : [];
  return {
    verdict: flow.verdict,
    dropReason: flow.verdict === "DROPPED" ? flow.dropReason : undefined,
    source: sourceOf(flow),
    policies: refs.length === 0 ? [] : policyNames(refs),
  };
}

/**
 * Keeps the verdict of record for a side: a drop beats a policy verdict, which beats an L7
 * record, which beats a plain trace. A policy-verdict event is what Cilium's policy engine
 * decided (ALLOWED, DENIED or AUDIT); traces only show that a packet moved.
 */
export function strongerVerdict(current: SideVerdict | undefined, next: SideVerdict): SideVerdict {
  if (!current) return next;
  return STRENGTH[next.source] > STRENGTH[current.source] ? next : current;
}

// Most severe first: how an overall verdict is chosen from the sides.
const SEVERITY: readonly Verdict[] = ["DROPPED", "AUDIT", "ERROR", "REDIRECTED", "FORWARDED", "TRANSLATED", "TRACED"];

/** The overall verdict of a connection from its sides (see {@link Connection.verdict}). */
export function overallVerdict(sides: readonly (SideVerdict | undefined)[]): { verdict: Verdict; dropReason: string | undefined } {
  for (const verdict of SEVERITY) {
    const side = sides.find((s) => s?.verdict === verdict);
    if (side) return { verdict, dropReason: side.dropReason };
  }
  return { verdict: "VERDICT_UNKNOWN", dropReason: undefined };
}
