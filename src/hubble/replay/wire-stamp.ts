import protobuf from "protobufjs";
import type { Timestamp } from "../../flows/index.js";

// Field numbers in observer.GetFlowsResponse and flow.Flow (hubble-api reference §3.2, §6.1).
const RESPONSE_FLOW = 1;
const RESPONSE_TIME = 1001;
const FLOW_TIME = 1;
const LENGTH_DELIMITED = 2;

/**
 * A GetFlowsResponse split around its timestamps, so it can be re-encoded with a new time
 * by concatenating bytes instead of decoding and encoding the whole message: protobuf
 * parsers accept fields in any order.
 */
export interface StampTemplate {
  /** The Flow's bytes without its `time`; undefined when the response is not a flow. */
  readonly flowBody: Buffer | undefined;
  /** Every other top-level field (node_name, lost_events, ...) without the top-level `time`. */
  readonly rest: Buffer;
}

interface Field {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  /** For length-delimited fields: where the payload starts. */
  readonly payload: number;
}

function fields(bytes: Uint8Array): Field[] {
  const reader = protobuf.Reader.create(bytes);
  const out: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let payload = reader.pos;
    if (wireType === LENGTH_DELIMITED) {
      const length = reader.uint32();
      payload = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    out.push({ number: tag >>> 3, start, end: reader.pos, payload });
  }
  return out;
}

function lastField(list: readonly Field[], number: number): Field | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]?.number === number) return list[i];
  return undefined;
}

function without(bytes: Uint8Array, list: readonly Field[], drop: number): Buffer {
  return Buffer.concat(list.filter((f) => f.number !== drop).map((f) => bytes.subarray(f.start, f.end)));
}

/** Splits an encoded GetFlowsResponse; throws protobufjs' RangeError on malformed bytes. */
export function stampTemplate(bytes: Uint8Array): StampTemplate {
  const top = fields(bytes);
  const flow = lastField(top, RESPONSE_FLOW);
  const flowBytes = flow ? bytes.subarray(flow.payload, flow.end) : undefined;
  const rest = without(bytes, top.filter((f) => f.number !== RESPONSE_FLOW), RESPONSE_TIME);
  return { flowBody: flowBytes ? without(flowBytes, fields(flowBytes), FLOW_TIME) : undefined, rest };
}

function varint(value: number, out: number[]): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function lengthDelimited(field: number, payloadLength: number): number[] {
  const out: number[] = [];
  varint(field * 8 + LENGTH_DELIMITED, out);
  varint(payloadLength, out);
  return out;
}

/** Encodes a google.protobuf.Timestamp body (seconds = 1, nanos = 2; zeros omitted). */
function timestampBody(time: Timestamp): Buffer {
  const out: number[] = [];
  if (time.seconds !== 0) {
    out.push(8);
    varint(time.seconds, out);
  }
  if (time.nanos !== 0) {
    out.push(16);
    varint(time.nanos, out);
  }
  return Buffer.from(out);
}

/** The response of `template` with `time` as both the flow's time and the top-level time. */
export function stamp(template: StampTemplate, time: Timestamp): Buffer {
  const ts = timestampBody(time);
  const parts: Buffer[] = [];
  if (template.flowBody) {
    const timeField = Buffer.concat([Buffer.from(lengthDelimited(FLOW_TIME, ts.length)), ts]);
    parts.push(Buffer.from(lengthDelimited(RESPONSE_FLOW, timeField.length + template.flowBody.length)), timeField, template.flowBody);
  }
  parts.push(template.rest, Buffer.from(lengthDelimited(RESPONSE_TIME, ts.length)), ts);
  return Buffer.concat(parts);
}

/** What the replay server needs to know about an encoded response without decoding it. */
export interface ResponseFacts {
  /** The top-level `time`, else the flow's; undefined when neither is set. */
  readonly time: Timestamp | undefined;
  /** True for a flow, false for a lost-events or node-status notice. */
  readonly isFlow: boolean;
}

/** Reads {@link ResponseFacts}; throws protobufjs' RangeError on malformed bytes. */
export function responseFacts(bytes: Uint8Array): ResponseFacts {
  const top = fields(bytes);
  const flow = lastField(top, RESPONSE_FLOW);
  const field = lastField(top, RESPONSE_TIME);
  if (field) return { time: readTimestamp(bytes.subarray(field.payload, field.end)), isFlow: flow !== undefined };
  if (!flow) return { time: undefined, isFlow: false };
  const flowBytes = bytes.subarray(flow.payload, flow.end);
  const time = lastField(fields(flowBytes), FLOW_TIME);
  return { time: time ? readTimestamp(flowBytes.subarray(time.payload, time.end)) : undefined, isFlow: true };
}

function readTimestamp(body: Uint8Array): Timestamp {
  const reader = protobuf.Reader.create(body);
  let seconds = 0;
  let nanos = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 8) {
      // protobufjs returns a Long, or a plain number when no Long library is present.
      const v: { low: number; high: number } | number = reader.int64();
      seconds = typeof v === "number" ? v : v.high * 4294967296 + (v.low >>> 0);
    }
    else if (tag === 16) nanos = reader.int32();
    else reader.skipType(tag & 7);
  }
  return { seconds, nanos };
}
