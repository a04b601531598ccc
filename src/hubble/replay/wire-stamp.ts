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

/** The bytes of every field but `drop`: a view when they are contiguous (the usual case), else a copy. */
function without(bytes: Uint8Array, list: readonly Field[], drop: number): Buffer {
  const ranges: [number, number][] = [];
  for (const f of list) {
    if (f.number === drop) continue;
    const last = ranges.at(-1);
    if (last !== undefined && last[1] === f.start) last[1] = f.end;
    else ranges.push([f.start, f.end]);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ranges.length === 1 && ranges[0]) return view.subarray(ranges[0][0], ranges[0][1]);
  return Buffer.concat(ranges.map(([from, to]) => view.subarray(from, to)));
}

/** Splits an encoded GetFlowsResponse; throws protobufjs' RangeError on malformed bytes. */
export function stampTemplate(bytes: Uint8Array): StampTemplate {
  const top = fields(bytes);
  const flow = lastField(top, RESPONSE_FLOW);
  const flowBytes = flow ? bytes.subarray(flow.payload, flow.end) : undefined;
  const rest = without(bytes, top.filter((f) => f.number !== RESPONSE_FLOW), RESPONSE_TIME);
  return { flowBody: flowBytes ? without(flowBytes, fields(flowBytes), FLOW_TIME) : undefined, rest };
}

function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

function writeVarint(value: number, out: Buffer, at: number): number {
  let v = value;
  let i = at;
  while (v >= 0x80) {
    out[i++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[i++] = v;
  return i;
}

/** Length of a google.protobuf.Timestamp body (seconds = 1, nanos = 2; zeros omitted). */
function timestampLength(time: Timestamp): number {
  return (time.seconds !== 0 ? 1 + varintLength(time.seconds) : 0) + (time.nanos !== 0 ? 1 + varintLength(time.nanos) : 0);
}

function writeTimestamp(time: Timestamp, out: Buffer, at: number): number {
  let i = at;
  if (time.seconds !== 0) {
    out[i++] = 8;
    i = writeVarint(time.seconds, out, i);
  }
  if (time.nanos !== 0) {
    out[i++] = 16;
    i = writeVarint(time.nanos, out, i);
  }
  return i;
}

/** Bytes of the tag and length of a length-delimited field. */
function headerLength(field: number, payloadLength: number): number {
  return varintLength(field * 8 + LENGTH_DELIMITED) + varintLength(payloadLength);
}

function writeHeader(field: number, payloadLength: number, out: Buffer, at: number): number {
  return writeVarint(payloadLength, out, writeVarint(field * 8 + LENGTH_DELIMITED, out, at));
}

/**
 * The response of `template` with `time` as both the flow's time and the top-level time,
 * written into one buffer (a live replay stamps every event it sends).
 */
export function stamp(template: StampTemplate, time: Timestamp): Buffer {
  const tsLength = timestampLength(time);
  const timeField = headerLength(FLOW_TIME, tsLength) + tsLength;
  const body = template.flowBody;
  const flowLength = body ? timeField + body.length : 0;
  const total = (body ? headerLength(RESPONSE_FLOW, flowLength) + flowLength : 0) + template.rest.length + headerLength(RESPONSE_TIME, tsLength) + tsLength;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  if (body) {
    at = writeHeader(RESPONSE_FLOW, flowLength, out, at);
    at = writeTimestamp(time, out, writeHeader(FLOW_TIME, tsLength, out, at));
    out.set(body, at);
    at += body.length;
  }
  out.set(template.rest, at);
  at += template.rest.length;
  at = writeTimestamp(time, out, writeHeader(RESPONSE_TIME, tsLength, out, at));
  if (at !== total) throw new Error(`stamped ${at} of ${total} bytes`);
  return out;
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
