import type { HubbleEvent } from "./event.js";
import type { FileRecord } from "./files/index.js";
import { eventFromMessage, responseFromJson } from "./proto/index.js";

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
  /** Called for each record that cannot be decoded; reading goes on. */
  readonly onProblem?: (problem: RecordProblem) => void;
}

/**
 * Decodes flow-log records into Hubble events, in batches (the same shape the gRPC stream
 * delivers, so one ingest loop serves both). Undecodable records are reported and skipped.
 * Because it pulls from `records`, a slow consumer slows the file reader down.
 */
export async function* eventBatches(records: AsyncIterable<FileRecord>, options: EventBatchOptions = {}): AsyncGenerator<readonly HubbleEvent[]> {
  const size = options.batchSize ?? 512;
  let batch: HubbleEvent[] = [];
  for await (const record of records) {
    const conv = responseFromJson(record.value);
    if (!conv.ok) {
      options.onProblem?.({ file: record.file, line: record.line, ...conv.problem });
      continue;
    }
    batch.push(eventFromMessage(conv.message));
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
