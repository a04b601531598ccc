import { flowProblem } from "../../flows/index.js";
import type { HubbleEvent } from "../event.js";

/** What keeps a decoded event out of the graph: the field (proto field path, e.g. `flow.source.namespace`) and why. */
export interface EventProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The first thing wrong with a decoded Hubble event, or undefined when it may be used.
 * Flows are held to Kubernetes' name rules and their port ranges (see flowProblem); a
 * lost-events count must be a safe integer of at least 0, so that totals stay exact (a
 * uint64 on the wire may exceed 2^53).
 */
export function eventProblem(event: HubbleEvent): EventProblem | undefined {
  switch (event.kind) {
    case "flow":
      return flowProblem(event.flow);
    case "lost-events":
      return Number.isSafeInteger(event.count) && event.count >= 0
        ? undefined
        : { path: "lost_events.num_events_lost", message: `${event.count} is not a count of events (a safe integer of at least 0)` };
    case "node-status":
    case "empty":
      return undefined;
    default: {
      const never: never = event;
      return never;
    }
  }
}
