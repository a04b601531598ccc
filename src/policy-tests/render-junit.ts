import type { CaseResult, MatrixReport } from "./case-result.js";
import { historyText } from "./history-text.js";

/** Text as XML character data or an attribute value: the five special characters escaped, characters XML 1.0 forbids dropped. */
export function xmlEscaped(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 does not allow
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function failureOf(r: CaseResult): { readonly message: string; readonly type: string; readonly body: string } | undefined {
  if (r.status !== "fail") return undefined;
  if (r.policy === "fail") {
    return { message: `expected ${r.case.expect}, policies say ${r.verdict} for ${r.probe}: ${r.rule}`, type: "policy", body: r.explanation };
  }
  const history = historyText(r.history) ?? "";
  return { message: history, type: "observed-forwarded", body: `${history}\npolicies: ${r.rule}\n` };
}

function testcase(r: CaseResult): string[] {
  const where = `${r.case.at.file}${r.case.at.line === undefined ? "" : `:${r.case.at.line}`}`;
  const head = `    <testcase name="${xmlEscaped(r.case.name)}" classname="${xmlEscaped(r.case.at.file)}" file="${xmlEscaped(r.case.at.file)}"${r.case.at.line === undefined ? "" : ` line="${r.case.at.line}"`} time="0">`;
  const lines = [head];
  const failure = failureOf(r);
  if (failure !== undefined) lines.push(`      <failure message="${xmlEscaped(failure.message)}" type="${failure.type}">${xmlEscaped(`${where}\n${failure.body}`)}</failure>`);
  const out = r.status === "warn" ? historyText(r.history) : `${r.verdict}: ${r.rule}`;
  lines.push(`      <system-out>${xmlEscaped(out ?? "")}</system-out>`, "    </testcase>");
  return lines;
}

/**
 * The report as JUnit XML, the shape CI systems render (the Ant JUnit schema): one
 * `testsuite` per matrix file, one `testcase` per case, a `failure` whose message carries the
 * deciding rule (or the observed traffic) and whose text is the full explanation. A stale
 * case passes; its warning is the testcase's `system-out`.
 */
export function matrixToJunit(report: MatrixReport): string {
  const files = [...new Set(report.results.map((r) => r.case.at.file))];
  const failed = report.results.filter((r) => r.status === "fail").length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hubble-auditor test" tests="${report.results.length}" failures="${failed}" errors="0" time="0">`,
  ];
  for (const file of files) {
    const results = report.results.filter((r) => r.case.at.file === file);
    lines.push(`  <testsuite name="${xmlEscaped(file)}" tests="${results.length}" failures="${results.filter((r) => r.status === "fail").length}" errors="0" skipped="0" time="0">`);
    lines.push("    <properties>", `      <property name="semantics" value="${report.semantics}"/>`, "    </properties>");
    for (const r of results) lines.push(...testcase(r));
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
