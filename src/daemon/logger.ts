import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";

/**
 * The root logger: NDJSON on stderr (stdout is for command output), level from
 * LOG_LEVEL (default info). Modules get children tagged with `module`.
 */
export function createRootLogger(level = process.env.LOG_LEVEL ?? "info", destination: DestinationStream = stderrDestination()): Logger {
  return pino({ level, base: { app: "hubble-auditor" } }, destination);
}

/**
 * Asynchronous writes to stderr, in order. Text that must come after the log lines already
 * written (a command's final error) goes through the same destination: a direct write to
 * process.stderr can overtake log writes still in flight.
 */
export function stderrDestination(): DestinationStream {
  return pino.destination({ fd: 2, sync: false });
}
