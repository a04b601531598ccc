import type { Writable } from "node:stream";
import type { GroundTruth } from "./ground-truth.js";
import type { GenerateOptions } from "./options.js";
import { createFlowRun } from "./generator.js";
import { serializeLine } from "./serialize.js";

/** Characters gathered before each write: amortises write calls, stays small in memory. */
const CHUNK_CHARS = 256 * 1024;

/** The output stream failed or closed before the run was written. */
export class NdjsonWriteError extends Error {
  override readonly name = "NdjsonWriteError";
}

/**
 * Writes a run as NDJSON (one compact object and `\n` per line, like `hubble observe -o
 * jsonpb`) to `out`, waiting for `drain` whenever the stream's buffer is full so memory stays
 * bounded for any number of flows. Does not end `out`. Resolves with the run's ground truth;
 * rejects with the stream's error (e.g. EPIPE) if the stream fails.
 */
export async function writeNdjson(out: Writable, options: GenerateOptions): Promise<GroundTruth> {
  const run = createFlowRun(options);
  let failure: Error | undefined;
  const onError = (err: unknown): void => {
    failure ??= toError(err);
  };
  out.on("error", onError);
  try {
    let chunk = "";
    for (const line of run.lines) {
      chunk += serializeLine(line) + "\n";
      if (chunk.length >= CHUNK_CHARS) {
        await writeChunk(out, chunk, () => failure);
        chunk = "";
      }
    }
    if (chunk.length > 0) await writeChunk(out, chunk, () => failure);
    if (failure !== undefined) throw failure;
    return run.summary();
  } finally {
    out.off("error", onError);
  }
}

async function writeChunk(out: Writable, chunk: string, failed: () => Error | undefined): Promise<void> {
  const before = failed();
  if (before !== undefined) throw before;
  if (out.destroyed || out.writableEnded) throw new NdjsonWriteError("output stream closed before all flows were written");
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      out.off("drain", onDrain);
      out.off("error", onFail);
      out.off("close", onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = (): void => { done(); };
    const onFail = (err: unknown): void => { done(toError(err)); };
    const onClose = (): void => { done(failed() ?? new NdjsonWriteError("output stream closed before all flows were written")); };
    out.on("drain", onDrain);
    out.on("error", onFail);
    out.on("close", onClose);
  });
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
