import type { MatrixReport } from "./case-result.js";

/** The report as a JSON value: one object per case (its location, ends, verdict, rule, explanation, history), times as RFC 3339. */
export function matrixToJsonValue(report: MatrixReport): Readonly<Record<string, unknown>> {
  return {
    semantics: report.semantics,
    ...(report.window === undefined ? {} : { window: { since: new Date(report.window.sinceMs).toISOString(), until: new Date(report.window.untilMs).toISOString(), ...(report.window.note === undefined ? {} : { note: report.window.note }) } }),
    summary: report.summary,
    results: report.results.map((r) => ({
      name: r.case.name,
      file: r.case.at.file,
      ...(r.case.at.line === undefined ? {} : { line: r.case.at.line }),
      from: r.case.text.from,
      to: r.case.text.to,
      port: r.case.text.port,
      expect: r.case.expect,
      verdict: r.verdict,
      status: r.status,
      policy: r.policy,
      rule: r.rule,
      probe: r.probe,
      explanation: r.explanation,
      ...(r.history === undefined ? {} : { history: r.history }),
    })),
  };
}

/** {@link matrixToJsonValue} as indented text. */
export function matrixToJson(report: MatrixReport): string {
  return `${JSON.stringify(matrixToJsonValue(report), null, 2)}\n`;
}
