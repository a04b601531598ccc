import type { FlowStreamState } from "../hubble/grpc/index.js";
import type { CumulativeDeltas } from "./cumulative.js";
import type { Instruments } from "./instruments.js";
import { LOST_EVENT_SOURCES, NODE_STATES, knownOr } from "./label-values.js";

/** The parts of a flow stream's state that metrics read (a `FlowStreamState` fits). */
export type StreamSnapshot = Pick<
  FlowStreamState,
  "status" | "reconnects" | "lastFlowTime" | "lostEvents" | "nodeStatusChanges" | "undecodable" | "rejected" | "suspectedGaps" | "paused"
>;

/** What a stream watch (`StreamWatch`) concluded, for the stall and disconnect metrics. */
export interface StreamHealthSnapshot {
  readonly stalled: boolean;
  /** Cumulative. */
  readonly stalls: number;
  /** Cumulative. */
  readonly disconnects: number;
}

/**
 * Copies a stream state snapshot into the instruments. The snapshot's totals are cumulative;
 * counters grow by the difference since the previous snapshot. Returns the newest flow time
 * in seconds, or undefined before the first flow.
 */
export function copyStreamState(instruments: Instruments, deltas: CumulativeDeltas, state: StreamSnapshot): number | undefined {
  instruments.streamConnected.set(state.status === "connected" ? 1 : 0);
  instruments.streamPaused.set(state.paused ? 1 : 0);
  instruments.streamReconnects.inc(deltas.delta("reconnects", state.reconnects));
  instruments.streamSuspectedGaps.inc(deltas.delta("suspectedGaps", state.suspectedGaps));
  instruments.streamUndecodable.inc(deltas.delta("undecodable", state.undecodable));
  instruments.streamRejected.inc(deltas.delta("rejected", state.rejected));
  for (const [source, total] of Object.entries(state.lostEvents)) {
    const increment = deltas.delta(`lost/${source}`, total);
    if (increment > 0) instruments.lostEvents.inc({ source: knownOr(source, LOST_EVENT_SOURCES) }, increment);
  }
  for (const [nodeState, total] of Object.entries(state.nodeStatusChanges)) {
    const increment = deltas.delta(`node/${nodeState}`, total);
    if (increment > 0) instruments.relayNodeStatus.inc({ state: knownOr(nodeState, NODE_STATES) }, increment);
  }
  const last = state.lastFlowTime;
  return last ? last.seconds + last.nanos / 1e9 : undefined;
}
