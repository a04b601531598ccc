import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";

/** The built CLI (compiled by test/global-setup.ts). */
export const CLI = join(import.meta.dirname, "../dist/src/cli/main.js");

/** Output and exit code of a finished CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion (bounded by `timeoutMs`, then killed). */
export function runCli(args: readonly string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, LOG_LEVEL: "warn" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI and returns the child, for long-running commands. */
export function startCli(args: readonly string[], options: { cwd?: string } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, LOG_LEVEL: "warn" } });
}

/** Resolves with the stdout text once `predicate` accepts it (bounded by `timeoutMs`). */
export function waitForOutput(child: ChildProcessWithoutNullStreams, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => { reject(new Error(`timed out waiting for output; got:\n${text}`)); }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
      if (predicate(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!predicate(text)) reject(new Error(`exited with ${code ?? "?"} before the expected output; got:\n${text}`));
    });
  });
}

/** How a run ended whose stdout reader went away, like `hubble-auditor ... | head -1`. */
export interface ClosedReaderResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What was read before the reader closed; empty when it closed at once. */
  readonly read: string;
  readonly stderr: string;
  /** From start to exit. */
  readonly ms: number;
}

/**
 * Runs the CLI with its stdout read until the first line ends (`after: "first-line"`) or not at
 * all (`after: "start"`), and then closed, so its further writes fail with EPIPE. Killed after
 * `timeoutMs`, which shows as `signal: "SIGKILL"`.
 */
export function runCliIntoClosedReader(
  args: readonly string[],
  options: { readonly after: "start" | "first-line"; readonly timeoutMs?: number; readonly cwd?: string },
): Promise<ClosedReaderResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
    let read = "";
    let stderr = "";
    if (options.after === "start") child.stdout.destroy();
    else {
      child.stdout.on("data", (d: Buffer) => {
        read += d.toString();
        const end = read.indexOf("\n");
        if (end >= 0) {
          read = read.slice(0, end + 1);
          child.stdout.destroy();
        }
      });
    }
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, read, stderr, ms: performance.now() - started });
    });
  });
}
