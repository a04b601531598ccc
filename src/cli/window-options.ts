import { resolveWindow } from "../graph/index.js";
import type { TimeWindow } from "../graph/index.js";
import { UsageError } from "./usage-error.js";
import type { WindowFlags } from "./window-flags.js";

export { addWindowOptions, type WindowFlags } from "./window-flags.js";

/** The window the flags name, relative to `nowMs`; a UsageError names a bad flag. */
export function windowOf(flags: WindowFlags, nowMs: number): TimeWindow {
  const resolved = resolveWindow({ since: flags.since, until: flags.until }, nowMs, flags.since);
  if (!resolved.ok) throw new UsageError(resolved.problems.map((p) => `${p.path}: ${p.message}`).join("; "));
  return resolved.window;
}
