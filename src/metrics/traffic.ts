import { isPolicyDrop, toMillis } from "../flows/index.js";
import type { Connection, Identity, SideVerdict } from "../flows/index.js";
import type { HubbleEvent } from "../hubble/index.js";
import type { BoundedLabel } from "./bounded-label.js";
import type { Instruments } from "./instruments.js";
import { CONNECTION_KINDS, FLOW_TYPES, NO_NAMESPACE, VERDICTS, knownOr } from "./label-values.js";

/** What the traffic counters need besides the instruments. */
export interface TrafficContext {
  readonly instruments: Instruments;
  readonly namespaces: BoundedLabel;
  /** Policy-drop label sets in use per namespace label value, to remove them on eviction. */
  readonly dropSeries: Map<string, Map<string, { direction: string; reason: string }>>;
}

/**
 * Counts the flows of a batch by verdict and type; returns the newest flow time in ms, or
 * undefined when the batch has no flow. Lost events are not counted here: they come from the
 * stream state, which already sums them by source.
 */
export function countEvents(instruments: Instruments, events: readonly HubbleEvent[]): number | undefined {
  let newestMs: number | undefined;
  for (const event of events) {
    if (event.kind !== "flow") continue;
    const flow = event.flow;
    instruments.flowsReceived.inc({ verdict: knownOr(flow.verdict, VERDICTS), type: knownOr(flow.type, FLOW_TYPES) });
    const at = toMillis(flow.time);
    if (newestMs === undefined || at > newestMs) newestMs = at;
  }
  return newestMs;
}

/**
 * Counts connection events by verdict and kind, and policy drops by the namespace of the
 * side that enforced them: a drop at egress belongs to the source's namespace, a drop at
 * ingress to the destination's (the policy subject in each direction). A drop whose side
 * Hubble did not report has no direction and is counted only in connections_total.
 * Workload namespaces at either end add to their namespace's volume for top-N ranking.
 */
export function countConnections(context: TrafficContext, connections: readonly Connection[]): void {
  const { instruments, namespaces } = context;
  for (const c of connections) {
    if (c.kind === "unknown") {
      // A packet nothing told the direction of: not a connection.
      instruments.unknownDirection.inc();
      continue;
    }
    instruments.connections.inc({ verdict: knownOr(c.verdict, VERDICTS), kind: knownOr(c.kind, CONNECTION_KINDS) });
    noteVolume(namespaces, c.source);
    if (c.destination.key !== c.source.key) noteVolume(namespaces, c.destination);
    countPolicyDrop(context, c.egress, c.source, "egress");
    countPolicyDrop(context, c.ingress, c.destination, "ingress");
  }
}

function noteVolume(namespaces: BoundedLabel, identity: Identity): void {
  if (identity.kind === "workload") namespaces.label(identity.namespace);
}

function countPolicyDrop(context: TrafficContext, side: SideVerdict | undefined, subject: Identity, direction: "ingress" | "egress"): void {
  const reason = side?.dropReason;
  if (side?.verdict !== "DROPPED" || reason === undefined || !isPolicyDrop(reason)) return;
  const namespace = subject.kind === "workload" ? context.namespaces.label(subject.namespace, 0) : NO_NAMESPACE;
  context.instruments.policyDrops.inc({ namespace, direction, reason });
  let series = context.dropSeries.get(namespace);
  if (series === undefined) context.dropSeries.set(namespace, (series = new Map<string, { direction: string; reason: string }>()));
  series.set(`${direction}/${reason}`, { direction, reason });
}
