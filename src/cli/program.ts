import { Command } from "commander";
import type { Logger } from "pino";
import { COMMANDS, commandNamed } from "./command-table.js";
import { packageVersion } from "./package-info.js";

/** Options of {@link buildProgram}. */
export interface ProgramOptions {
  /** The root logger of the commands that log, made when one of them runs. */
  readonly logger: () => Promise<Logger>;
}

/**
 * The hubble-auditor command line, `--help` on every command. Only the command that runs is
 * loaded with its modules (the gRPC client, SQLite, the Kubernetes client, express ...): the
 * others are listed by name and summary, so `--version`, `--help` and a light command start
 * about as fast as bare Node.
 */
export async function buildProgram(args: readonly string[], options: ProgramOptions): Promise<Command> {
  const program = new Command("hubble-auditor")
    .description("Audit Kubernetes network policies against real Cilium Hubble traffic before enforcing default-deny")
    .version(packageVersion(), "-V, --version")
    // Usage errors end with exit code 2 and one line; main.ts turns CommanderError into that.
    .exitOverride()
    .showSuggestionAfterError(true);
  const wanted = commandNamed(args);
  for (const entry of COMMANDS) {
    if (entry.name === wanted) await entry.register(program, options.logger);
    else program.command(entry.name).description(entry.summary);
  }
  return program;
}
