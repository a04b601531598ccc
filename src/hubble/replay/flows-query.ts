import type { Timestamp } from "../../flows/index.js";
import { messageType } from "../proto/index.js";

/** A decoded `GetFlowsRequest`, as far as the replay server honours it. */
export interface FlowsQuery {
  /** Flows to send; 0 means no cap. Values beyond 2^53 (the CLI's `--all`) mean no cap too. */
  readonly number: number;
  readonly first: boolean;
  readonly follow: boolean;
  /** Undefined when the request has no `since`. */
  readonly since: Timestamp | undefined;
  /** Undefined when the request has no `until`. */
  readonly until: Timestamp | undefined;
  /** Number of whitelist plus blacklist filters in the request. */
  readonly filterCount: number;
}

interface RawTimestamp {
  seconds?: string;
  nanos?: number;
}

interface RawRequest {
  number?: string;
  first?: boolean;
  follow?: boolean;
  since?: RawTimestamp;
  until?: RawTimestamp;
  whitelist?: unknown[];
  blacklist?: unknown[];
}

function timestamp(raw: RawTimestamp | undefined): Timestamp | undefined {
  return raw ? { seconds: Number(raw.seconds ?? "0"), nanos: raw.nanos ?? 0 } : undefined;
}

/** Decodes a GetFlowsRequest; throws protobufjs' error on malformed bytes. */
export function decodeFlowsQuery(bytes: Buffer): FlowsQuery {
  const type = messageType("observer.GetFlowsRequest");
  // longs: String keeps uint64 `number` exact; absent fields stay absent (defaults: false).
  const raw = type.toObject(type.decode(bytes), { longs: String }) as RawRequest;
  const number = Number(raw.number ?? "0");
  return {
    // Past 2^53 (a client asking for "everything", u64 max): every flow the ring holds.
    number: Math.min(number, Number.MAX_SAFE_INTEGER),
    first: raw.first === true,
    follow: raw.follow === true,
    since: timestamp(raw.since),
    until: timestamp(raw.until),
    filterCount: (raw.whitelist?.length ?? 0) + (raw.blacklist?.length ?? 0),
  };
}

/** Orders two timestamps: negative when a is earlier. */
export function compareTime(a: Timestamp, b: Timestamp): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}
