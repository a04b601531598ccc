import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { processCpuSeconds, processPeakRssMb } from "./proc-stat.js";

/** A replay server running in its own process (so its CPU is not the client's). */
export interface ReplayProcess {
  readonly address: string;
  readonly pid: number;
  cpuSeconds(): number;
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** The built CLI entry point, relative to dist/bench/harness. */
export const CLI = new URL("../../src/cli/main.js", import.meta.url).pathname;

/**
 * Starts `hubble-auditor replay --file F` on a free loopback port with a ring of `capacity`
 * (large enough for the whole capture, or Hubble's 4095 for a paced stream that a slow reader
 * falls behind of), and waits until it listens (loading pre-encodes every record). `live`:
 * serve only a live replay of the capture at `rate` events per second, stamped now,
 * looping, from the first GetFlows call on (the ring starts empty).
 */
export async function startReplayProcess(file: string, capacity: number, live?: { readonly rate: number }): Promise<ReplayProcess> {
  const pace = live === undefined ? [] : ["--rate", String(Math.round(live.rate)), "--loop", "--live-only"];
  const child = spawn(process.execPath, [CLI, "replay", "--file", file, "--listen", "127.0.0.1:0", "--capacity", String(capacity), ...pace], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LOG_LEVEL: "warn" },
  });
  const address = await listeningAddress(child);
  const pid = child.pid ?? 0;
  return {
    address,
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    peakRssMb: () => processPeakRssMb(pid),
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => { resolve(); });
        child.kill("SIGTERM");
      }),
  };
}

function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) { reject(new Error("replay process has no stdout")); return; }
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = /^listening on (\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => { reject(new Error(`replay process exited with code ${code ?? "?"} before listening`)); });
  });
}
