import type protobuf from "protobufjs";
import { jsonFieldsProblem } from "./json-fields.js";
import { parseTimestamp } from "./timestamp-text.js";
import { messageType } from "./proto-root.js";

/** A problem with one JSON record: the JSON path of the offending field and what is wrong. */
export interface JsonProblem {
  readonly path: string;
  readonly message: string;
}

export type JsonConversion =
  | { readonly ok: true; readonly message: protobuf.Message }
  | { readonly ok: false; readonly problem: JsonProblem };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class JsonShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Rewrites the well-known-type fields that protojson prints in their special JSON form
 * (RFC 3339 timestamps, bare wrapper values, Any) into the object form protobufjs'
 * fromObject expects. Works on a shallow copy; the input is not modified.
 */
function timestampField(obj: Record<string, unknown>, key: string, path: string): void {
  const value = obj[key];
  if (value === undefined || value === null) return;
  if (typeof value === "string") {
    const ts = parseTimestamp(value);
    if (!ts) throw new JsonShapeError(`${path}.${key}`, `not an RFC 3339 timestamp: ${JSON.stringify(value).slice(0, 60)}`);
    obj[key] = ts;
  } else if (!isObject(value)) {
    throw new JsonShapeError(`${path}.${key}`, "expected an RFC 3339 timestamp string");
  }
}

function wrapperField(obj: Record<string, unknown>, key: string, kind: "boolean" | "number", path: string): void {
  const value = obj[key];
  if (value === undefined || value === null || isObject(value)) return;
  if (typeof value !== kind) throw new JsonShapeError(`${path}.${key}`, `expected a ${kind}`);
  obj[key] = { value };
}

function prepareFlow(value: unknown, path: string): unknown {
  if (!isObject(value)) return value;
  const flow = { ...value };
  timestampField(flow, "time", path);
  wrapperField(flow, "is_reply", "boolean", path);
  // Vendor extensions (google.protobuf.Any) cannot be resolved without their schema; the
  // auditor never reads them, so they are dropped rather than rejected.
  delete flow.extensions;
  return flow;
}

function prepareLost(value: unknown, path: string): unknown {
  if (!isObject(value)) return value;
  const lost = { ...value };
  wrapperField(lost, "cpu", "number", path);
  timestampField(lost, "first", path);
  timestampField(lost, "last", path);
  return lost;
}

// What a GetFlowsResponse / ExportEvent may carry: the events we read, and the agent and
// debug events Hubble also exports (`hubble observe --type agent|debug`), which are valid
// records that hold no flow and are passed over.
const READ = ["flow", "lost_events", "node_status"] as const;
const PASSED_OVER = ["agent_event", "debug_event"] as const;

/**
 * Refuses a record that holds none of the events a Hubble record carries (`{}`, or
 * `{"flow": null}`, which protobufjs would read as an empty response): skipping it
 * silently would hide a broken producer.
 */
function contentProblem(top: Readonly<Record<string, unknown>>): void {
  const has = (key: string): boolean => top[key] !== undefined && top[key] !== null;
  if (READ.some(has) || PASSED_OVER.some(has)) return;
  const named = READ.find((key) => key in top);
  if (named !== undefined) throw new JsonShapeError(`$.${named}`, `expected an object, found ${JSON.stringify(top[named])}`);
  throw new JsonShapeError("$", "the record holds no flow, lost_events or node_status");
}

/**
 * True when a JSON object is a bare Flow (the legacy `hubble observe -o json` output of
 * CLI ≤ 0.10) rather than a GetFlowsResponse / ExportEvent wrapper.
 */
function isBareFlow(obj: Record<string, unknown>): boolean {
  return !("flow" in obj) && !("lost_events" in obj) && !("node_status" in obj) && ("verdict" in obj || "IP" in obj || "l4" in obj || "source" in obj);
}

/**
 * Converts one Hubble JSON record (a `GetFlowsResponse`/`ExportEvent` as printed by
 * `hubble observe -o jsonpb` or the exporter, or a bare legacy Flow) into a
 * `observer.GetFlowsResponse` message. Unknown fields are ignored; unknown enum names
 * are dropped by protobufjs (they read as the zero value) and unknown enum numbers are kept.
 */
export function responseFromJson(record: unknown): JsonConversion {
  try {
    if (!isObject(record)) throw new JsonShapeError("$", "expected a JSON object");
    const top: Record<string, unknown> = isBareFlow(record) ? { flow: record, node_name: record.node_name, time: record.time } : { ...record };
    contentProblem(top);
    timestampField(top, "time", "$");
    if (top.flow !== undefined) top.flow = prepareFlow(top.flow, "$.flow");
    if (top.lost_events !== undefined) top.lost_events = prepareLost(top.lost_events, "$.lost_events");
    const type = messageType("observer.GetFlowsResponse");
    const bad = jsonFieldsProblem(type, top, "$");
    if (bad !== undefined) return { ok: false, problem: bad };
    const message = type.fromObject(top);
    return { ok: true, message };
  } catch (err) {
    if (err instanceof JsonShapeError) return { ok: false, problem: { path: err.path, message: err.message } };
    if (err instanceof TypeError) return { ok: false, problem: fromProtobufError(err.message) };
    throw err;
  }
}

// protobufjs reports type mismatches by message type and field, e.g.
// ".flow.Flow.l4: object expected" or ".flow.TCP.source_port: integer expected".
function fromProtobufError(text: string): JsonProblem {
  const colon = text.indexOf(": ");
  if (colon < 0) return { path: "$", message: text };
  return { path: text.slice(0, colon).replace(/^\./, ""), message: text.slice(colon + 2) };
}
