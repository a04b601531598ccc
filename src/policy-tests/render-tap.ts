import type { MatrixReport } from "./case-result.js";
import { historyText } from "./history-text.js";

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/#/g, "\\#");
}

function yamlQuoted(text: string): string {
  return JSON.stringify(text);
}

/**
 * The report as TAP version 13: `ok` / `not ok` per case with a YAML diagnostic block for a
 * failure (expected, verdict, rule, where); a stale case is `ok` followed by a `# warning` comment.
 */
export function matrixToTap(report: MatrixReport): string {
  const lines = ["TAP version 13", `1..${report.results.length}`];
  report.results.forEach((r, i) => {
    const n = i + 1;
    if (r.status === "fail") {
      lines.push(`not ok ${n} - ${oneLine(r.case.name)}`, "  ---");
      lines.push(`  message: ${yamlQuoted(r.policy === "fail" ? `expected ${r.case.expect}, policies say ${r.verdict}` : (historyText(r.history) ?? ""))}`);
      lines.push(`  expected: ${r.case.expect}`, `  verdict: ${r.verdict}`, `  rule: ${yamlQuoted(r.rule)}`, `  probe: ${yamlQuoted(r.probe)}`);
      lines.push(`  at: ${yamlQuoted(`${r.case.at.file}${r.case.at.line === undefined ? "" : `:${r.case.at.line}`}`)}`, "  ...");
    } else {
      lines.push(`ok ${n} - ${oneLine(r.case.name)}`);
      if (r.status === "warn") lines.push(`# warning: ${oneLine(historyText(r.history) ?? "")}`);
    }
  });
  return `${lines.join("\n")}\n`;
}
