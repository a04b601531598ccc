import { pino } from "pino";
import type { Logger } from "pino";

/**
 * The root logger: NDJSON on stderr (stdout is for command output), level from
 * LOG_LEVEL (default info). Modules get children tagged with `module`.
 */
export function createRootLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { app: "hubble-auditor" } }, pino.destination({ fd: 2, sync: false }));
}
