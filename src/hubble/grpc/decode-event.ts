import type { HubbleEvent } from "../event.js";
import { decodeResponse } from "../proto/index.js";

/** A stream message whose bytes could not be decoded; it is counted and skipped. */
export interface UndecodableEvent {
  readonly kind: "undecodable";
  readonly reason: string;
}

/**
 * The stream's response deserializer. It never throws: grpc-js would cancel the call on a
 * throw, and since the stream resumes from the same point, one corrupt message would then
 * break every reconnect.
 */
export function decodeStreamEvent(bytes: Buffer): HubbleEvent | UndecodableEvent {
  try {
    return decodeResponse(bytes);
  } catch (err) {
    return { kind: "undecodable", reason: err instanceof Error ? err.message : String(err) };
  }
}
