import type { Timestamp } from "../../flows/index.js";
import { messageType } from "../proto/index.js";

/**
 * What to ask `GetFlows` for. Semantics are Hubble's: `number` = the last N flows (0 or
 * undefined: no cap), `first` = the oldest N instead, `since`/`until` bound the flow time,
 * `follow` keeps streaming. Filters are plain objects in Hubble's FlowFilter JSON shape
 * (proto field names, e.g. `{ source_pod: ["kube-system/"], verdict: ["DROPPED"] }`): a flow
 * passes when it matches any whitelist filter (or there is none) and no blacklist filter.
 */
export interface FlowsRequest {
  readonly number?: number | bigint;
  readonly first?: boolean;
  readonly follow?: boolean;
  readonly since?: Timestamp | Date;
  readonly until?: Timestamp | Date;
  readonly whitelist?: readonly unknown[];
  readonly blacklist?: readonly unknown[];
}

/** `number` asking a Hubble server for every flow its ring buffer still holds (uint64 max). */
export const ALL_FLOWS = 18446744073709551615n;

/** A FlowFilter that cannot be encoded; `path` points at it, e.g. `whitelist[1].verdict`. */
export class FlowFilterError extends Error {
  override readonly name = "FlowFilterError";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

function timestampOf(value: Timestamp | Date): Timestamp {
  if (!(value instanceof Date)) return value;
  const ms = value.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

function checkFilters(list: readonly unknown[] | undefined, name: string): readonly object[] {
  const type = messageType("flow.FlowFilter");
  return (list ?? []).map((filter, i) => {
    if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
      throw new FlowFilterError(`${name}[${i}]`, "expected a FlowFilter object");
    }
    const unknown = Object.keys(filter).filter((k) => !(k in type.fields));
    if (unknown.length > 0) throw new FlowFilterError(`${name}[${i}].${unknown[0] ?? ""}`, "unknown FlowFilter field");
    try {
      type.fromObject(filter);
    } catch (err) {
      // protobufjs names the field: ".flow.FlowFilter.source_pod: array expected".
      throw new FlowFilterError(`${name}[${i}]`, err instanceof Error ? err.message.replace(/^\.flow\.FlowFilter\./, "") : String(err));
    }
    return filter;
  });
}

/**
 * Encodes a `GetFlowsRequest`. Throws {@link FlowFilterError} for a filter with unknown
 * fields or wrongly typed values, so a typo is an error rather than a silent match-all.
 */
export function encodeFlowsRequest(request: FlowsRequest): Buffer {
  const whitelist = checkFilters(request.whitelist, "whitelist");
  const blacklist = checkFilters(request.blacklist, "blacklist");
  const body: Record<string, unknown> = { whitelist, blacklist };
  // uint64: protobufjs takes a decimal string for values beyond 2^53 (`--all` sends 2^64-1).
  if (request.number !== undefined) body.number = request.number.toString();
  if (request.first === true) body.first = true;
  if (request.follow === true) body.follow = true;
  if (request.since !== undefined) body.since = timestampOf(request.since);
  if (request.until !== undefined) body.until = timestampOf(request.until);
  const type = messageType("observer.GetFlowsRequest");
  return Buffer.from(type.encode(type.fromObject(body)).finish());
}
