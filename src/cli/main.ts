#!/usr/bin/env node
import { CommanderError } from "commander";
import { buildProgram } from "./program.js";
import { exitCodeFor } from "./exit-code.js";

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help text).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const { code, message } = exitCodeFor(err);
    process.stderr.write(`hubble-auditor: ${message}\n`);
    process.exitCode = code;
  }
}
