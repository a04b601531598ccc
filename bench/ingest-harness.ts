import type { ClientMode, ClientResult } from "./harness/client-process.js";
import { runClientProcess } from "./harness/client-process.js";
import { startReplayProcess } from "./harness/replay-process.js";

/** One round-robin measurement of both clients against one replay server. */
export interface IngestMeasurement {
  readonly runs: Readonly<Record<ClientMode, readonly ClientResult[]>>;
  /** Replay server CPU seconds per client run, in the same order as the runs. */
  readonly serverCpu: Readonly<Record<ClientMode, readonly number[]>>;
  readonly serverPeakRssMb: number;
}

/** Options of {@link measureIngest}. */
export interface MeasureOptions {
  /** NDJSON capture to serve (see harness/capture-file.ts). */
  readonly file: string;
  /** Messages in the capture; each client reads all of them. */
  readonly messages: number;
  readonly rounds: number;
  /** Client modes to run each round, in order (default raw, grpc, ours). */
  readonly modes?: readonly ClientMode[];
  readonly onProgress?: (text: string) => void;
}

/**
 * Streams a capture from a replay server process (pre-encoded messages) to fresh client
 * processes, alternating the bare grpc-js client and ours, so both are measured in one run
 * on the same server and machine state.
 */
export async function measureIngest(options: MeasureOptions): Promise<IngestMeasurement> {
  const server = await startReplayProcess(options.file, options.messages + 16);
  const results: Record<ClientMode, ClientResult[]> = { raw: [], grpc: [], ours: [] };
  const serverCpu: Record<ClientMode, number[]> = { raw: [], grpc: [], ours: [] };
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const mode of options.modes ?? (["raw", "grpc", "ours"] as const)) {
        const before = server.cpuSeconds();
        const result = await runClientProcess(mode, server.address, options.messages);
        serverCpu[mode].push(server.cpuSeconds() - before);
        results[mode].push(result);
        options.onProgress?.(`round ${round}/${options.rounds} ${mode}: ${Math.round(result.messagesPerSecond)} msgs/s`);
      }
    }
    return { runs: results, serverCpu, serverPeakRssMb: server.peakRssMb() };
  } finally {
    await server.stop();
  }
}

/**
 * The plain grpc-js receive rate for a capture (messages/s, median of `rounds`): `grpc`
 * (proto-loader client, the baseline of the ingest target) unless `mode` says `raw`.
 */
export async function measureRawReceive(options: Omit<MeasureOptions, "modes"> & { readonly mode?: "raw" | "grpc" }): Promise<number> {
  const mode = options.mode ?? "grpc";
  const m = await measureIngest({ ...options, modes: [mode] });
  const rates = m.runs[mode].map((r) => r.messagesPerSecond).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? Number.NaN;
}
