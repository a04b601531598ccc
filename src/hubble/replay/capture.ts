import type { Timestamp } from "../../flows/index.js";
import { messageType, responseFromJson } from "../proto/index.js";
import { responseFacts, stampTemplate } from "./wire-stamp.js";
import type { StampTemplate } from "./wire-stamp.js";

/** One event of a capture, encoded once as an `observer.GetFlowsResponse`. */
export class CaptureRecord {
  private template: StampTemplate | undefined;

  constructor(
    /** The encoded response, served as is while its original time is wanted. */
    readonly bytes: Buffer,
    /** Its original time; undefined when the record had none (served, never matched by since/until). */
    readonly time: Timestamp | undefined,
    readonly isFlow: boolean,
  ) {}

  /** The record split around its timestamps for re-stamping; built on first use. */
  stampTemplate(): StampTemplate {
    this.template ??= stampTemplate(this.bytes);
    return this.template;
  }
}

/** A record that could not be used: its position in the input and why. */
export interface CaptureProblem {
  /** Zero-based index in the records (or messages) given. */
  readonly index: number;
  /** JSON path inside the record, e.g. `flow.Flow.l4`; `$` for the whole record. */
  readonly path: string;
  readonly message: string;
}

/** What a replay server serves: usable records in capture order, plus what was skipped. */
export interface Capture {
  readonly records: readonly CaptureRecord[];
  readonly problems: readonly CaptureProblem[];
}

/**
 * Converts Hubble JSON records (`hubble observe -o jsonpb` lines, exporter events or bare
 * legacy flows, already parsed) once into wire messages. Invalid records are skipped and
 * reported with their index; the rest are kept in order.
 */
export function captureFromJson(records: Iterable<unknown>): Capture {
  const builder = new CaptureBuilder();
  for (const record of records) builder.add(record);
  return builder.capture();
}

/**
 * Builds a capture one JSON record at a time, so a large file never has to be held as
 * parsed JSON: each record is kept only in its encoded form.
 */
export class CaptureBuilder {
  private readonly type = messageType("observer.GetFlowsResponse");
  private readonly records: CaptureRecord[] = [];
  private readonly problems: CaptureProblem[] = [];
  private index = 0;

  /** Converts and keeps one record, or notes why it was skipped; returns the problem if any. */
  add(record: unknown): CaptureProblem | undefined {
    const conv = responseFromJson(record);
    const index = this.index++;
    if (!conv.ok) {
      const problem = { index, ...conv.problem };
      this.problems.push(problem);
      return problem;
    }
    const bytes = Buffer.from(this.type.encode(conv.message).finish());
    const facts = responseFacts(bytes);
    this.records.push(new CaptureRecord(bytes, facts.time, facts.isFlow));
    return undefined;
  }

  /** The capture built so far. */
  capture(): Capture {
    return { records: this.records, problems: this.problems };
  }
}

export function captureFromBytes(messages: Iterable<Uint8Array>): Capture {
  const out: CaptureRecord[] = [];
  const problems: CaptureProblem[] = [];
  let index = 0;
  for (const message of messages) {
    const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message);
    try {
      const facts = responseFacts(bytes);
      out.push(new CaptureRecord(bytes, facts.time, facts.isFlow));
    } catch (err) {
      problems.push({ index, path: "$", message: err instanceof Error ? err.message : String(err) });
    }
    index++;
  }
  return { records: out, problems };
}
