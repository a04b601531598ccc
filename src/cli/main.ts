#!/usr/bin/env node
import { CommanderError } from "commander";
import type { DestinationStream, Logger } from "pino";
import { isClosedPipe, stdoutClosed } from "./closed-output.js";
import { buildProgram } from "./program.js";
import { exitCodeFor } from "./exit-code.js";

// Before anything writes: `hubble-auditor ... | head -1` must end quietly with exit code 0.
stdoutClosed.watch(process.stdout, {
  exit: (code) => process.exit(code),
  warn: (text) => process.stderr.write(text),
});

// The logger (and pino) is loaded only by the commands that log: `--version` and `--help` stay quick.
let stderr: DestinationStream | undefined;
let logger: Promise<Logger> | undefined;
const rootLogger = (): Promise<Logger> =>
  (logger ??= import("../daemon/logger.js").then(({ createRootLogger, stderrDestination }) => {
    stderr = stderrDestination();
    return createRootLogger(undefined, stderr);
  }));

try {
  const program = await buildProgram(process.argv.slice(2), { logger: rootLogger });
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help text).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (stdoutClosed.closed || isClosedPipe(err) || isClosedPipe(process.stdout.errored)) {
    // The reader of stdout has gone (a command may notice before the stream's error event): not a failure.
    process.exitCode = 0;
  } else {
    const { code, message } = exitCodeFor(err);
    // After the log lines of the failed work, which may still be being written: the error is the last line.
    (stderr ?? process.stderr).write(`hubble-auditor: ${message}\n`);
    process.exitCode = code;
  }
}
