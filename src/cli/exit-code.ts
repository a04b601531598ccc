import { UsageError } from "./usage-error.js";

/** Errors that mean "your input is wrong" rather than "we have a bug". */
const INPUT_ERRORS = new Set(["UsageError", "HubbleConnectionError", "FlowFileError", "ReplayServerError", "GraphStoreError", "MetricsServerError"]);

/**
 * The exit code and the one-line message for an error that ended a command: 2 for usage and
 * input errors (bad option, bad address, unreadable file, certificate that does not verify,
 * a database file that cannot be used, a listen address that cannot be bound),
 * 1 for anything else.
 */
export function exitCodeFor(err: unknown): { code: number; message: string } {
  if (err instanceof UsageError) return { code: 2, message: err.message };
  if (err instanceof Error) {
    const cause = err.cause instanceof Error && !err.message.includes(err.cause.message) ? `: ${err.cause.message}` : "";
    return { code: INPUT_ERRORS.has(err.name) ? 2 : 1, message: `${err.message}${cause}` };
  }
  return { code: 1, message: String(err) };
}
