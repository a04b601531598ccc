import type { HubbleEvent } from "./event.js";
import type { FileRecord } from "./files/index.js";
import { eventFromMessage, eventProblem, responseFromJson } from "./proto/index.js";

/** A record that is valid JSON but not a valid Hubble event; names file, line and field. */
export interface RecordProblem {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

/** Options of {@link eventBatches}. */
export interface EventBatchOptions {
  /** Events per batch (default 512). */
  readonly batchSize?: number;
  /** Called for each record that cannot be decoded or is refused; reading goes on. */
  readonly onProblem?: (problem: RecordProblem) => void;
  /**
   * Longest a partial batch waits for more records, in ms; undefined waits for a full batch
   * or the end of input. Set it when following a growing file, so a quiet file's last
   * events are not held back.
   */
  readonly maxWaitMs?: number;
}

const WAITED = Symbol("waited");

/**
 * Decodes flow-log records into Hubble events, in batches (the same shape the gRPC stream
 * delivers, so one ingest loop serves both). Undecodable records, and records whose event
 * breaks a name or range rule (see eventProblem), are reported and skipped.
 * Because it pulls from `records`, a slow consumer slows the file reader down.
 */
export async function* eventBatches(records: AsyncIterable<FileRecord>, options: EventBatchOptions = {}): AsyncGenerator<readonly HubbleEvent[]> {
  const size = options.batchSize ?? 512;
  const iterator = records[Symbol.asyncIterator]();
  let batch: HubbleEvent[] = [];
  let next = iterator.next();
  // One timer per partial batch (not per record): it starts when the batch gets its first event.
  let deadline: Promise<typeof WAITED> | undefined;
  for (;;) {
    const result = deadline ? await Promise.race([next, deadline]) : await next;
    if (result === WAITED) {
      deadline = undefined;
      yield batch;
      batch = [];
      continue;
    }
    if (result.done === true) break;
    next = iterator.next();
    const record = result.value;
    const conv = responseFromJson(record.value);
    if (!conv.ok) {
      options.onProblem?.({ file: record.file, line: record.line, ...conv.problem });
      continue;
    }
    const event = eventFromMessage(conv.message);
    const bad = eventProblem(event);
    if (bad !== undefined) {
      options.onProblem?.({ file: record.file, line: record.line, path: `$.${bad.path}`, message: bad.message });
      continue;
    }
    const position = record.position;
    batch.push(position && (event.kind === "flow" || event.kind === "lost-events") ? { ...event, position } : event);
    if (batch.length >= size) {
      deadline = undefined;
      yield batch;
      batch = [];
    } else if (batch.length === 1 && options.maxWaitMs !== undefined) {
      const wait = options.maxWaitMs;
      deadline = new Promise((resolve) => setTimeout(() => { resolve(WAITED); }, wait).unref());
    }
  }
  if (batch.length > 0) yield batch;
}
