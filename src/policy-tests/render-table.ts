import { displayText } from "../flows/index.js";
import type { MatrixReport } from "./case-result.js";
import { historyLabel, historyText } from "./history-text.js";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function aligned(cells: readonly (readonly string[])[]): string[] {
  const rows = cells.map((row) => row.map(displayText));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd());
}

/**
 * The report for people: one row per case (status, ends, port, expected, verdict, with a
 * graph the HISTORY column, and the deciding rule), then the failing and stale cases spelled
 * out, then the counts.
 */
export function matrixToTable(report: MatrixReport): string {
  const withHistory = report.window !== undefined;
  const named = report.results.some((r) => r.case.named);
  const header = ["STATUS", ...(named ? ["NAME"] : []), "FROM", "TO", "PORT", "EXPECT", "VERDICT", ...(withHistory ? ["HISTORY"] : []), "RULE"];
  const rows = report.results.map((r) => [
    r.status.toUpperCase(), ...(named ? [r.case.named ? r.case.name : "-"] : []), r.case.text.from, r.case.text.to, r.case.text.port, r.case.expect, r.verdict,
    ...(withHistory ? [historyLabel(r.history)] : []), r.rule,
  ]);
  const lines: string[] = [];
  if (report.window !== undefined) {
    lines.push(`window ${iso(report.window.sinceMs)} to ${iso(report.window.untilMs)}${report.window.note === undefined ? "" : ` (${report.window.note})`}, semantics ${report.semantics}`);
  }
  else lines.push(`semantics ${report.semantics}`);
  lines.push(...aligned([header, ...rows]));
  const notes = report.results.filter((r) => r.status !== "pass");
  if (notes.length > 0) lines.push("");
  for (const r of notes) {
    const where = `${r.case.at.file}${r.case.at.line === undefined ? "" : `:${r.case.at.line}`}`;
    lines.push(`${r.status.toUpperCase()} ${displayText(r.case.name)} (${where})`);
    if (r.policy === "fail") lines.push(`  expected ${r.case.expect}, policies say ${r.verdict} for ${displayText(r.probe)}: ${displayText(r.rule)}`);
    const history = r.history?.kind === "observed-forwarded" || r.history?.kind === "stale" ? historyText(r.history) : undefined;
    if (history !== undefined) lines.push(`  ${history}`);
  }
  const s = report.summary;
  lines.push("", `${s.cases} cases: ${s.passed} passed, ${s.failed} failed${withHistory ? `, ${s.warnings} stale (warnings, not failures)` : ""}`);
  return `${lines.join("\n")}\n`;
}
