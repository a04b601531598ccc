import type { CumulativeDeltas } from "./cumulative.js";
import type { Instruments } from "./instruments.js";

/** One graph writer flush. */
export interface WriterFlush {
  /** Connection events written in the flush. */
  readonly connections: number;
  readonly durationMs: number;
}

/** The cumulative writer counters metrics read (a `GraphWriterStats` fits). */
export interface WriterStatsSnapshot {
  readonly flushes: number;
  readonly connections: number;
  /** Duration of the most recent flush in ms. */
  readonly lastFlushMs: number;
}

/** Records one flush exactly. */
export function recordFlush(instruments: Instruments, flush: WriterFlush): void {
  instruments.writerBatchSize.observe(Math.max(0, flush.connections));
  instruments.writerFlushDuration.observe(Math.max(0, flush.durationMs) / 1000);
}

/**
 * Records the flushes done since the previous snapshot. With one flush in between (the usual
 * case when polled about as often as the writer flushes) this is exact; with several, each
 * is recorded with the average batch size and the latest duration, which is as close as
 * cumulative counters allow.
 */
export function recordWriterStats(instruments: Instruments, deltas: CumulativeDeltas, stats: WriterStatsSnapshot): void {
  const flushes = deltas.delta("writer/flushes", stats.flushes);
  const connections = deltas.delta("writer/connections", stats.connections);
  if (flushes === 0) return;
  const average = connections / flushes;
  for (let i = 0; i < Math.min(flushes, 1000); i++) recordFlush(instruments, { connections: average, durationMs: stats.lastFlushMs });
}
