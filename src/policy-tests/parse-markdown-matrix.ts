import { parse } from "yaml";
import { MAX_CASES, type CaseField, type MatrixCase, type MatrixProblem, type ParsedMatrix } from "./matrix.js";
import { parseCase } from "./parse-case.js";

/** Column headings (case-insensitive) and the case field each fills. */
const COLUMNS: Readonly<Record<string, CaseField>> = {
  source: "from", from: "from", destination: "to", to: "to", port: "port", protocol: "protocol", expected: "expect", expect: "expect", name: "name",
};
const REQUIRED: readonly CaseField[] = ["from", "to", "port", "expect"];

function cellsOf(line: string): string[] {
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return body.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, "|").trim());
}

function isTableLine(line: string): boolean {
  return line.trim().startsWith("|");
}

function isSeparator(line: string): boolean {
  return /^\|?(\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?$/.test(line.trim());
}

/** A cell's value: backticks around code are dropped; `{...}` is read as a YAML flow mapping (the labels form). */
function cellValue(cell: string): unknown {
  const text = /^`(.*)`$/.exec(cell)?.[1] ?? cell;
  if (!text.startsWith("{")) return text;
  try {
    return parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Reads the Markdown table form runbooks use: `| Source | Destination | Port | Expected |`,
 * optionally with Protocol and Name columns, in any order; every such table of the file
 * counts. Problems name the file, the line and the row and column.
 */
export function parseMarkdownMatrix(text: string, file: string): ParsedMatrix {
  const lines = text.split(/\r?\n/);
  const problems: MatrixProblem[] = [];
  const cases: MatrixCase[] = [];
  let tables = 0;
  let row = 0;
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i] ?? "";
    if (!isTableLine(header) || !isSeparator(lines[i + 1] ?? "")) continue;
    const columns = cellsOf(header).map((h) => COLUMNS[h.toLowerCase()]);
    if (!REQUIRED.every((f) => columns.includes(f))) continue;
    tables++;
    for (i += 2; i < lines.length && isTableLine(lines[i] ?? ""); i++) {
      row++;
      const line = i + 1;
      const cells = cellsOf(lines[i] ?? "");
      const path = `row ${row}`;
      if (cells.length !== columns.length) {
        problems.push({ file, line, field: path, message: `has ${cells.length} cells; the table has ${columns.length} columns` });
        continue;
      }
      const fields: Partial<Record<CaseField, unknown>> = {};
      cells.forEach((cell, c) => {
        const field = columns[c];
        if (field !== undefined && cell !== "") fields[field] = cellValue(cell);
      });
      const parsed = parseCase({ fields, file, line, fieldLines: {}, path });
      if (parsed.ok) cases.push(parsed.case);
      else problems.push(...parsed.problems);
    }
  }
  if (tables === 0) problems.push({ file, field: "(table)", message: "no table with Source, Destination, Port and Expected columns" });
  if (cases.length > MAX_CASES) problems.push({ file, field: "(table)", message: `holds ${cases.length} cases; at most ${MAX_CASES}` });
  return problems.length > 0 ? { file, cases: [], problems } : { file, cases, problems };
}
