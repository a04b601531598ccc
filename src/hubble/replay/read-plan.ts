import type { Timestamp } from "../../flows/index.js";
import { compareTime } from "./flows-query.js";
import type { FlowsQuery } from "./flows-query.js";
import type { RingEntry } from "./ring-buffer.js";

/** The part of a ring buffer a read plan looks at. */
export interface RingView {
  readonly oldestSeq: number;
  readonly nextSeq: number;
  at(seq: number): RingEntry | undefined;
}

/** Where a GetFlows reader starts and when it stops. */
export interface ReadPlan {
  /** First sequence number to send. */
  readonly start: number;
  /** Sequence number to stop before (the newest entry at request time); undefined when following. */
  readonly end: number | undefined;
  /** Stop after this many flows; 0 means no cap. Never set when following. */
  readonly maxFlows: number;
  /** Stop at the first flow newer than this; undefined for no bound. */
  readonly until: Timestamp | undefined;
}

/**
 * Plans a GetFlows read the way Hubble's local observer does (reference §12; cilium
 * `pkg/hubble/observer/local_observer.go`):
 * - `since` set: walk back from the newest entry to the first flow older than `since` and
 *   start just after it (`since` wins over `number` for the start; `number` still caps);
 * - `first`: start at the oldest entry and send the oldest `number` flows;
 * - `follow` with `number` 0: start "now", i.e. only new flows;
 * - otherwise start so that the last `number` flows are sent (0: the whole buffer).
 * Lost-event notices never count toward `number`. A following reader never stops on its
 * own; `number` only positions its start. `first` with `follow` is rejected by the caller.
 */
export function planRead(ring: RingView, query: FlowsQuery): ReadPlan {
  const end = query.follow ? undefined : ring.nextSeq;
  const maxFlows = query.follow ? 0 : query.number;
  const plan = (start: number): ReadPlan => ({ start, end, maxFlows, until: query.until });
  if (query.since) {
    let seq = ring.nextSeq - 1;
    for (; seq >= ring.oldestSeq; seq--) {
      const entry = ring.at(seq);
      if (entry?.isFlow && entry.time && compareTime(entry.time, query.since) < 0) break;
    }
    return plan(seq + 1);
  }
  if (query.first) return plan(ring.oldestSeq);
  if (query.follow && query.number === 0) return plan(ring.nextSeq);
  if (query.number === 0) return plan(ring.oldestSeq);
  let flows = 0;
  let seq = ring.nextSeq - 1;
  for (; seq >= ring.oldestSeq; seq--) {
    if (ring.at(seq)?.isFlow && ++flows === query.number) break;
  }
  return plan(Math.max(seq, ring.oldestSeq));
}
