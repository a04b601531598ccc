import type { Timestamp } from "../../flows/index.js";
import type { FlowsRequest } from "./flows-request.js";

function minus(time: Timestamp, ms: number): Timestamp {
  const totalNanos = time.nanos - Math.round(ms * 1e6);
  const borrow = Math.floor(totalNanos / 1e9);
  return { seconds: time.seconds + borrow, nanos: totalNanos - borrow * 1e9 };
}

function later(a: Timestamp, b: Timestamp): Timestamp {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos >= b.nanos) ? a : b;
}

/** A request time as a Timestamp. */
export function timestampOf(value: Timestamp | Date): Timestamp {
  if (!(value instanceof Date)) return value;
  const ms = value.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/**
 * The request for a reconnect. Before any flow arrived it is the original request. After,
 * it follows from `last - overlap` (Hubble's catch-up recipe: `since` = time of the last
 * flow received; flows at or after it are re-sent and dropped as duplicates), never earlier
 * than the caller's own `since`; `number` and `first` no longer apply once resuming.
 */
export function resumeRequest(original: FlowsRequest, last: Timestamp | undefined, overlapMs: number): FlowsRequest {
  if (last === undefined || original.follow !== true) return original;
  const from = minus(last, overlapMs);
  const since = original.since === undefined ? from : later(timestampOf(original.since), from);
  const resumed: { -readonly [K in keyof FlowsRequest]: FlowsRequest[K] } = { follow: true, since };
  if (original.whitelist) resumed.whitelist = original.whitelist;
  if (original.blacklist) resumed.blacklist = original.blacklist;
  return resumed;
}
