import type { GraphWriter } from "../../graph/index.js";

/** What a progress line shows. */
export interface ProgressSnapshot {
  readonly flows: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly writer: GraphWriter | undefined;
}

const n = (x: number): string => Math.round(x).toLocaleString("en-US");

/** One progress line: flows read and rate, lines rejected, flows skipped as stored, what was written. */
export function formatProgress(s: ProgressSnapshot, ratePerSecond: number): string {
  const parts = [`flows ${n(s.flows)} read (${n(ratePerSecond)}/s)`, `${n(s.rejected)} lines rejected`];
  if (s.skipped > 0) parts.push(`${n(s.skipped)} skipped as already stored`);
  if (s.writer) parts.push(`${n(s.writer.stats.connections)} connections in ${n(s.writer.stats.flushes)} flushes`);
  return parts.join(" · ");
}

/**
 * Prints progress every `intervalMs`: rewritten in place on a terminal, one line per
 * interval otherwise; `stop()` prints the final line.
 */
export function startProgress(
  snapshot: () => ProgressSnapshot,
  options: { readonly write: (text: string) => void; readonly tty: boolean; readonly intervalMs: number },
): { stop: () => void } {
  const started = Date.now();
  let lastFlows = 0;
  let lastAt = started;
  const line = (final: boolean): string => {
    const now = Date.now();
    const s = snapshot();
    const rate = final ? (s.flows * 1000) / Math.max(1, now - started) : ((s.flows - lastFlows) * 1000) / Math.max(1, now - lastAt);
    lastFlows = s.flows;
    lastAt = now;
    return formatProgress(s, rate);
  };
  const timer = setInterval(() => {
    options.write(options.tty ? `\r${line(false)}\u001b[K` : `${line(false)}\n`);
  }, options.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      options.write(`${options.tty ? "\r" : ""}${line(true)}${options.tty ? "\u001b[K" : ""}\n`);
    },
  };
}
