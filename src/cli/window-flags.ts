import type { Command } from "commander";

/** The `--since` / `--until` flags as commander parsed them. */
export interface WindowFlags {
  readonly since: string;
  readonly until?: string;
}

/**
 * Adds `--since` (default `defaultSince`) and `--until` to a command: each a duration before
 * now (`7d`, `24h`, `90m`) or an RFC 3339 time, so old captures can be analysed. Only
 * commander here, so a command can declare its window without loading the graph store.
 */
export function addWindowOptions(command: Command, defaultSince: string): Command {
  return command
    .option("--since <time>", "start of the window: a duration ago (24h, 7d, 90m) or an RFC 3339 time", defaultSince)
    .option("--until <time>", "end of the window (exclusive; default now): a duration ago or an RFC 3339 time");
}
