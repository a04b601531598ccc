import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { processCpuSeconds, processPeakRssMb } from "./proc-stat.js";
import { CLI } from "./replay-process.js";

/** A `hubble-auditor serve` daemon in its own process, with its HTTP API up. */
export interface DaemonProcess {
  /** The API base the daemon printed, e.g. `http://127.0.0.1:41234/api/v1`. */
  readonly api: URL;
  readonly pid: number;
  /** CPU seconds the daemon has used so far. */
  cpuSeconds(): number;
  peakRssMb(): number;
  /** Undefined while it runs; the exit code (or signal name) once it has exited. */
  exited(): string | undefined;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`); returns how it ended. */
  stop(graceMs?: number): Promise<string>;
}

/** Options of {@link startDaemon}. */
export interface DaemonOptions {
  /** Hubble address (host:port) of the replay server. */
  readonly hubble: string;
  /** Policy files or directories. */
  readonly policies: readonly string[];
  readonly db: string;
  readonly auditIntervalSeconds: number;
  /** Longest wait for the `api:` line (default 60 s). */
  readonly startTimeoutMs?: number;
}

/**
 * Starts `hubble-auditor serve` with its API on a free loopback port and Prometheus metrics
 * off, and waits for the `api: <url>` line it prints once the API listens. Logs at warn and
 * above go to this process's stderr.
 */
export async function startDaemon(options: DaemonOptions): Promise<DaemonProcess> {
  const args = [
    CLI, "serve", "--hubble", options.hubble, "--policies", ...options.policies, "--db", options.db,
    "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--audit-interval", `${options.auditIntervalSeconds}s`,
  ];
  // The daemon reads HUBBLE_AUDITOR_* settings from its environment: none may leak in from the shell.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("HUBBLE_AUDITOR_")));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...env, LOG_LEVEL: "warn" } });
  let exit: string | undefined;
  const exitedPromise = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = code === null ? (signal ?? "?") : String(code);
      resolve(exit);
    });
  });
  let api: URL;
  try {
    api = await apiUrl(child, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    if (exit === undefined) child.kill("SIGKILL");
    await exitedPromise;
    throw err;
  }
  const pid = child.pid ?? 0;
  return {
    api,
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    peakRssMb: () => processPeakRssMb(pid),
    exited: () => exit,
    stop: async (graceMs = 20_000) => {
      if (exit !== undefined) return exit;
      child.kill("SIGTERM");
      const timer = setTimeout(() => { child.kill("SIGKILL"); }, graceMs);
      const how = await exitedPromise;
      clearTimeout(timer);
      return how;
    },
  };
}

function apiUrl(child: ChildProcess, timeoutMs: number): Promise<URL> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) { reject(new Error("daemon process has no stdout")); return; }
    const timer = setTimeout(() => { reject(new Error(`daemon printed no "api: <url>" line within ${timeoutMs} ms`)); }, timeoutMs);
    const lines = createInterface({ input: child.stdout });
    // Keep reading after the api line, so a full pipe never blocks the daemon's summary lines.
    lines.on("line", (line) => {
      const m = /^api: (http\S+)/.exec(line);
      if (!m?.[1]) return;
      clearTimeout(timer);
      try {
        resolve(new URL(m[1].endsWith("/") ? m[1] : `${m[1]}/`));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited (${code ?? signal ?? "?"}) before its API listened`));
    });
  });
}
