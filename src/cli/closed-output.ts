import type { EventEmitter } from "node:events";

/** What {@link ClosedOutput.watch} does when the output fails. */
export interface ClosedOutputOptions {
  /** Ends the process (main passes process.exit). */
  readonly exit: (code: number) => void;
  /** Writes one line to stderr, for write errors other than a closed pipe. */
  readonly warn: (text: string) => void;
  /** How long commands with a graceful stop get before the process exits anyway; undefined: 5 s. */
  readonly graceMs?: number;
}

const DEFAULT_GRACE_MS = 5_000;

/** Whether `err` is a write to a pipe whose reader has gone (`EPIPE`). */
export function isClosedPipe(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "EPIPE";
}

/**
 * Ends a command quietly once the reader of its output goes away (`hubble-auditor graph | head -1`):
 * exit code 0, no EPIPE stack trace, no message. Node ignores SIGPIPE, so the failed write arrives
 * as an `error` event, which would crash the process with a stack if nobody listened. Exit code 0
 * rather than the shell's 141: the reader chose to stop, nothing failed.
 *
 * Commands with a graceful stop (serve, ingest, replay, through {@link onClose}) are stopped as
 * by SIGTERM, so what they received is still written out, and get `graceMs` for it; with none
 * registered the process exits at once, so no work goes on for output nobody reads.
 */
export class ClosedOutput {
  private readonly stoppers = new Set<() => void>();
  private isClosed = false;

  /** The reader has gone; later writes are dropped. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Calls `stop` when the output closes (at once if it already has); returns the unsubscribe. */
  onClose(stop: () => void): () => void {
    if (this.isClosed) {
      stop();
      return () => undefined;
    }
    this.stoppers.add(stop);
    return () => {
      this.stoppers.delete(stop);
    };
  }

  /** Listens for write errors on `stream` (stdout); other errors than EPIPE end the process with code 1 and one line. */
  watch(stream: EventEmitter, options: ClosedOutputOptions): void {
    stream.on("error", (err: unknown) => {
      if (!isClosedPipe(err)) {
        options.warn(`hubble-auditor: cannot write to standard output: ${err instanceof Error ? err.message : String(err)}\n`);
        options.exit(1);
        return;
      }
      if (this.isClosed) return;
      this.isClosed = true;
      const stoppers = [...this.stoppers];
      this.stoppers.clear();
      if (stoppers.length === 0) {
        options.exit(0);
        return;
      }
      for (const stop of stoppers) stop();
      // Not waited on by the event loop: a command that stops in time exits by itself.
      setTimeout(() => {
        options.exit(0);
      }, options.graceMs ?? DEFAULT_GRACE_MS).unref();
    });
  }
}

/** The process's stdout: main.ts watches it, and every stop signal (stop-signal.ts) subscribes to it. */
export const stdoutClosed = new ClosedOutput();
