import type { Command } from "commander";
import { resolveWindow } from "../graph/index.js";
import type { TimeWindow } from "../graph/index.js";
import { UsageError } from "./usage-error.js";

/** The `--since` / `--until` flags as commander parsed them. */
export interface WindowFlags {
  readonly since: string;
  readonly until?: string;
}

/**
 * Adds `--since` (default `defaultSince`) and `--until` to a command: each a duration before
 * now (`7d`, `24h`, `90m`) or an RFC 3339 time, so old captures can be analysed.
 */
export function addWindowOptions(command: Command, defaultSince: string): Command {
  return command
    .option("--since <time>", "start of the window: a duration ago (24h, 7d, 90m) or an RFC 3339 time", defaultSince)
    .option("--until <time>", "end of the window (exclusive; default now): a duration ago or an RFC 3339 time");
}

/** The window the flags name, relative to `nowMs`; a UsageError names a bad flag. */
export function windowOf(flags: WindowFlags, nowMs: number): TimeWindow {
  const resolved = resolveWindow({ since: flags.since, until: flags.until }, nowMs, flags.since);
  if (!resolved.ok) throw new UsageError(resolved.problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  return resolved.window;
}
