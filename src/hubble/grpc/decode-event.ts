import type { HubbleEvent } from "../event.js";
import { decodeResponse, eventProblem } from "../proto/index.js";

/** A stream message whose bytes could not be decoded; it is counted and skipped. */
export interface UndecodableEvent {
  readonly kind: "undecodable";
  readonly reason: string;
}

/** A decoded stream message refused by the name or range rules (see eventProblem); counted and skipped. */
export interface RejectedEvent {
  readonly kind: "rejected";
  /** The offending field, e.g. `flow.source.namespace`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The stream's response deserializer. It never throws: grpc-js would cancel the call on a
 * throw, and since the stream resumes from the same point, one corrupt message would then
 * break every reconnect.
 */
export function decodeStreamEvent(bytes: Buffer): HubbleEvent | UndecodableEvent | RejectedEvent {
  let event: HubbleEvent;
  try {
    event = decodeResponse(bytes);
  } catch (err) {
    return { kind: "undecodable", reason: err instanceof Error ? err.message : String(err) };
  }
  const bad = eventProblem(event);
  return bad === undefined ? event : { kind: "rejected", ...bad };
}
