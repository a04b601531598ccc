import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { httpGet } from "./http-get.js";

/** One reading of the daemon's `GET /api/v1/status`. */
export interface ProgressSample {
  /**
   * performance.now() halfway between sending the request and receiving the answer: the
   * daemon read its counters somewhere in between, and under load the answer waits in its
   * queue, so the midpoint is the best guess of when the counts were true.
   */
  readonly atMs: number;
  readonly flows: number;
  readonly connections: number;
  readonly stream: string;
  /** Daemon CPU seconds when the answer arrived. */
  readonly cpuSeconds: number;
  /** When the daemon's last audit ran (null before the first). */
  readonly auditAt: string | null;
  /** Events Hubble reported lost so far. */
  readonly lostEvents: number;
  /** How far the committed graph was behind the newest flow received (flow time, s). */
  readonly behindSeconds: number | null;
}

/** The part of the status document the benchmark reads. */
interface Status {
  readonly ingest: { readonly flows: number; readonly connections: number; readonly lostEvents?: number };
  readonly stream: { readonly status: string; readonly behindSeconds?: number | null };
  readonly audit?: { readonly lastRunAt?: string | null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStatus(value: unknown): value is Status {
  if (!isRecord(value) || !isRecord(value.ingest) || !isRecord(value.stream)) return false;
  return typeof value.ingest.flows === "number" && typeof value.ingest.connections === "number" && typeof value.stream.status === "string";
}

/** Options of {@link followIngest}. */
export interface FollowOptions {
  /** API base ending in `/`. */
  readonly api: URL;
  /** Flows (counted by the daemon since it started) at which ingestion is complete. */
  readonly target: number;
  /** Stop (successfully) after this long instead, whatever the count (a paced, endless stream). */
  readonly durationMs?: number;
  readonly intervalMs: number;
  /** Give up when the count has not moved for this long (default 30 s). */
  readonly stallMs?: number;
  readonly cpuSeconds: () => number;
  /** Why to stop early (e.g. the daemon exited); checked before each reading. */
  readonly stopReason?: () => string | undefined;
}

/** Readings until the target was reached, or why it was not. */
export interface FollowResult {
  readonly samples: readonly ProgressSample[];
  /** Undefined when the target was reached. */
  readonly failure: string | undefined;
}

/**
 * Polls the status endpoint (one request at a time, on its own connection so load clients
 * never hold it up in the client's pool) until the daemon has counted `target` flows.
 */
export async function followIngest(options: FollowOptions): Promise<FollowResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL("status", options.api);
  const samples: ProgressSample[] = [];
  const stallMs = options.stallMs ?? 30_000;
  let movedAt = performance.now();
  const started = movedAt;
  try {
    for (;;) {
      const stop = options.stopReason?.();
      if (stop !== undefined) return { samples, failure: stop };
      const r = await httpGet(url, { agent, keepBody: true });
      const body: unknown = r.status === 200 ? JSON.parse(r.body ?? "") : undefined;
      if (!isStatus(body)) return { samples, failure: `GET status answered ${r.status} with an unexpected document: ${(r.body ?? "").slice(0, 200)}` };
      const sample: ProgressSample = {
        atMs: (r.sentAt + r.doneAt) / 2, flows: body.ingest.flows, connections: body.ingest.connections,
        stream: body.stream.status, cpuSeconds: options.cpuSeconds(), auditAt: body.audit?.lastRunAt ?? null,
        lostEvents: body.ingest.lostEvents ?? 0, behindSeconds: body.stream.behindSeconds ?? null,
      };
      const previous = samples.at(-1);
      samples.push(sample);
      if (options.durationMs !== undefined ? r.doneAt - started >= options.durationMs : sample.flows >= options.target) return { samples, failure: undefined };
      if (previous === undefined || sample.flows > previous.flows) movedAt = r.doneAt;
      else if (r.doneAt - movedAt > stallMs) {
        return { samples, failure: `ingestion stalled at ${sample.flows} of ${options.target} flows (stream ${sample.stream})` };
      }
      await sleep(options.intervalMs);
    }
  } finally {
    agent.destroy();
  }
}

/** When the flow count crossed `flows`, by linear interpolation between readings; NaN if never. */
export function crossingMs(samples: readonly ProgressSample[], flows: number): number {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (s === undefined || s.flows < flows) continue;
    const p = samples[i - 1];
    if (p === undefined || s.flows === p.flows) return s.atMs;
    return p.atMs + ((flows - p.flows) / (s.flows - p.flows)) * (s.atMs - p.atMs);
  }
  return Number.NaN;
}

/** Daemon CPU seconds at a time, by linear interpolation between readings. */
function cpuAt(samples: readonly ProgressSample[], atMs: number): number {
  for (let i = 1; i < samples.length; i++) {
    const p = samples[i - 1];
    const s = samples[i];
    if (p === undefined || s === undefined || s.atMs < atMs) continue;
    return p.cpuSeconds + ((atMs - p.atMs) / Math.max(1e-9, s.atMs - p.atMs)) * (s.cpuSeconds - p.cpuSeconds);
  }
  return samples.at(-1)?.cpuSeconds ?? Number.NaN;
}

/** Ingest rate over the middle of a run: between the crossings of `from` and `to` flows. */
export interface WindowRate {
  readonly flowsPerSecond: number;
  /** Daemon CPU per flow over the same window, in µs. */
  readonly cpuUsPerFlow: number;
  /** Daemon cores busy over the window. */
  readonly cores: number;
  readonly seconds: number;
}

/** The ingest rate between the crossings of `from` and `to` flows (startup and final flush excluded). */
export function windowRate(samples: readonly ProgressSample[], fromFlows: number, to: number): WindowRate {
  // When the daemon had passed `fromFlows` before its first reading, the window starts there.
  const from = Math.max(fromFlows, samples[0]?.flows ?? fromFlows);
  const t0 = crossingMs(samples, from);
  const t1 = crossingMs(samples, to);
  const seconds = (t1 - t0) / 1000;
  const cpu = cpuAt(samples, t1) - cpuAt(samples, t0);
  return { flowsPerSecond: (to - from) / seconds, cpuUsPerFlow: (cpu * 1e6) / (to - from), cores: cpu / seconds, seconds };
}
