import type { Logger } from "pino";
import type { FileProblem } from "./problem.js";

/** Options for {@link createProblemReporter}. */
export interface ProblemReporterOptions {
  /** Hears every problem, unthrottled; undefined: nobody but the log. */
  readonly onProblem: ((problem: FileProblem) => void) | undefined;
  /** Where throttled warnings go; undefined: no logging. */
  readonly logger: Logger | undefined;
  /** At most one warning per this many milliseconds; the rest are counted. */
  readonly logIntervalMs: number;
  /** Clock for throttling, in milliseconds. */
  readonly now: () => number;
}

/** Hands problems on and logs a throttled sample of them. */
export interface ProblemReporter {
  report(problem: FileProblem): void;
  /** Logs how many problems were counted but not logged since the last warning. */
  flush(): void;
}

/**
 * A reporter that warns about the first problem at once, then at most once per interval,
 * each warning carrying how many problems went unlogged before it: a file with a million bad
 * lines yields a handful of log lines, while `onProblem` still sees every one.
 */
export function createProblemReporter(
  options: ProblemReporterOptions,
): ProblemReporter {
  const { logger, onProblem, logIntervalMs, now } = options;
  let lastLogAt: number | undefined;
  let suppressed = 0;
  let suppressedFile = "";

  return {
    report(problem) {
      onProblem?.(problem);
      if (logger === undefined) return;
      const at = now();
      if (lastLogAt !== undefined && at - lastLogAt < logIntervalMs) {
        suppressed += 1;
        suppressedFile = problem.file;
        return;
      }
      lastLogAt = at;
      logger.warn({ problem, suppressed }, "flow file input rejected");
      suppressed = 0;
    },
    flush() {
      if (logger === undefined || suppressed === 0) return;
      logger.warn(
        { file: suppressedFile, suppressed },
        "flow file inputs rejected without a warning each",
      );
      suppressed = 0;
    },
  };
}
