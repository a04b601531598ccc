/**
 * A flow-log file (or stdin) could not be opened or read. Carries the path as given by the
 * user ("-" for stdin) and the underlying system error as `cause`, so one log line names both.
 * Bad content never raises this: it is reported as a `FileProblem` and reading goes on.
 */
export class FlowFileError extends Error {
  override readonly name = "FlowFileError";
  /** The path as given; "-" means stdin. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}

/** Describes a system error for a message: its errno code when there is one, else its text. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code; // errno errors carry a code; others do not
    // Node's fs messages already start with the code ("ENOENT: no such file ...").
    return code === undefined || cause.message.startsWith(code) ? cause.message : `${code}: ${cause.message}`;
  }
  return String(cause);
}
