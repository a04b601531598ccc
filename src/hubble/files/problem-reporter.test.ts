import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { FileProblem } from "./problem.js";
import { createProblemReporter } from "./problem-reporter.js";

const problem = (line: number): FileProblem => ({
  kind: "malformed-json",
  file: "flows.json",
  line,
  message: "Unexpected token",
});

describe("createProblemReporter", () => {
  it("warns at most once per interval, counting the problems in between, and hands all on", () => {
    let clock = 0;
    const logged: {
      msg: string;
      suppressed: number;
      problem?: { line: number };
    }[] = [];
    const heard: number[] = [];
    const reporter = createProblemReporter({
      onProblem: (p) => heard.push(p.line),
      logger: pino(
        {},
        {
          write: (line: string) =>
            logged.push(JSON.parse(line) as (typeof logged)[number]),
        },
      ),
      logIntervalMs: 1000,
      now: () => clock,
    });
    for (const [at, line] of [
      [0, 1],
      [10, 2],
      [999, 3],
      [1000, 4],
      [1500, 5],
    ] as const) {
      clock = at;
      reporter.report(problem(line));
    }
    reporter.flush();
    expect(heard).toEqual([1, 2, 3, 4, 5]);
    expect(logged.map((l) => [l.msg, l.problem?.line, l.suppressed])).toEqual([
      ["flow file input rejected", 1, 0],
      ["flow file input rejected", 4, 2],
      ["flow file inputs rejected without a warning each", undefined, 1],
    ]);
  });

  it("flushes nothing when every problem was logged", () => {
    const logged: string[] = [];
    const reporter = createProblemReporter({
      onProblem: undefined,
      logger: pino({}, { write: (line: string) => logged.push(line) }),
      logIntervalMs: 1000,
      now: () => 0,
    });
    reporter.report(problem(1));
    reporter.flush();
    expect(logged).toHaveLength(1);
  });
});
