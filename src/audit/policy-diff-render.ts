import { displayText } from "../flows/index.js";
import type { ConnectivityChange, PolicyDiff } from "./policy-diff.js";
import { sideText } from "./policy-diff.js";
import { jsonTimes } from "./render.js";

/** What the two policy sets were read from, as the output names them: a path or `k8s`. */
export interface DiffSources {
  readonly old: string;
  readonly new: string;
}

const CHANGE_TEXT: Readonly<Record<ConnectivityChange["change"], string>> = {
  "allowed-to-denied": "allowed -> denied",
  "denied-to-allowed": "denied -> allowed",
};

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "";
}

/** What was compared, in words: `over observed traffic from ... to ...`, or the matrix's cases. */
function overText(diff: PolicyDiff): string {
  const w = diff.window;
  if (w === undefined) return "over the cases of the test matrix";
  return `over observed traffic from ${iso(w.sinceMs)} to ${iso(w.untilMs)}${w.note === undefined ? "" : ` (${w.note})`}`;
}

function countText(diff: PolicyDiff): string {
  const broken = diff.changes.filter((c) => c.change === "allowed-to-denied").length;
  const what = diff.over === "matrix" ? "matrix probes" : "observed connections";
  return `${diff.changes.length} of ${diff.compared} ${what} change: ${broken} allowed -> denied, ${diff.changes.length - broken} denied -> allowed`;
}

/** The table form: the window and sources, a row per change (one line per reason), and the counts. */
export function policyDiffToTable(diff: PolicyDiff, sources: DiffSources): string {
  const header = ["CHANGE", "FROM", "TO", "PORT", "OLD", "NEW"];
  const lines: string[][] = [];
  for (const c of diff.changes) {
    const old = sideText(c.old);
    const next = sideText(c.new);
    for (let i = 0; i < Math.max(old.length, next.length); i++) {
      const head = i === 0 ? [CHANGE_TEXT[c.change], c.from, c.to, `${c.protocol}/${c.port}`] : ["", "", "", ""];
      lines.push([...head, old[i] ?? "", next[i] ?? ""].map(displayText));
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  const out = [overText(diff), `old: ${displayText(sources.old)}`, `new: ${displayText(sources.new)}`];
  if (diff.changes.length > 0) out.push(format(header), ...lines.map(format));
  out.push(countText(diff));
  return `${out.join("\n")}\n`;
}

/** The JSON form: sources, window (RFC 3339), counts and every change with both sides' reasons. */
export function policyDiffToJson(diff: PolicyDiff, sources: DiffSources): string {
  return `${JSON.stringify(jsonTimes({ old: sources.old, new: sources.new, ...diff }), null, 2)}\n`;
}

/** Text safe inside a Markdown table cell: pipes (escaped), backticks (made quotes) and control characters cannot break the row. */
function cell(text: string): string {
  return displayText(text).replace(/\|/g, "\\|").replace(/`/g, "'");
}

/**
 * The Markdown form, for a pull-request comment: a heading with the counts, then a table
 * for connections the change breaks (allowed -> denied) and one for those it opens.
 */
export function policyDiffToMarkdown(diff: PolicyDiff, sources: DiffSources): string {
  const out = [
    "### Policy diff",
    "",
    `\`${cell(sources.old)}\` → \`${cell(sources.new)}\` ${overText(diff)}: ${countText(diff)}.`,
  ];
  const sections = [
    ["allowed-to-denied", "Allowed → denied (the change would break these)"],
    ["denied-to-allowed", "Denied → allowed (the change would open these)"],
  ] as const;
  for (const [change, title] of sections) {
    const changes = diff.changes.filter((c) => c.change === change);
    if (changes.length === 0) continue;
    out.push("", `#### ${title}: ${changes.length}`, "", "| From | To | Port | Old | New |", "| --- | --- | --- | --- | --- |");
    for (const c of changes) {
      const reasons = (texts: readonly string[]): string => texts.map(cell).join("<br>");
      out.push(`| \`${cell(c.from)}\` | \`${cell(c.to)}\` | ${c.protocol}/${c.port} | ${reasons(sideText(c.old))} | ${reasons(sideText(c.new))} |`);
    }
  }
  if (diff.changes.length === 0) out.push("", diff.over === "matrix" ? "No probe of the matrix changes verdict." : "No observed connection changes verdict.");
  return `${out.join("\n")}\n`;
}
