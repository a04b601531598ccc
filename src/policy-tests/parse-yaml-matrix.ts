import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { MAX_CASES, type CaseField, type MatrixCase, type MatrixProblem, type ParsedMatrix } from "./matrix.js";
import { parseCase } from "./parse-case.js";

const FIELDS: readonly CaseField[] = ["from", "to", "port", "protocol", "expect", "name"];

function isField(key: string): key is CaseField {
  return (FIELDS as readonly string[]).includes(key);
}

/**
 * Reads a YAML matrix, `cases: [{from, to, port, protocol, expect, name?}]`. Every problem
 * names the file, the line and the field path (`cases[2].port`); a matrix with any problem
 * has no cases, so a run never tests half a matrix.
 */
export function parseYamlMatrix(text: string, file: string): ParsedMatrix {
  const lineCounter = new LineCounter();
  const problems: MatrixProblem[] = [];
  const lineOf = (node: Node | null | undefined): number | undefined => (node?.range == null ? undefined : lineCounter.linePos(node.range[0]).line);
  const bad = (field: string, message: string, line?: number): ParsedMatrix => ({ file, cases: [], problems: [{ file, ...(line === undefined ? {} : { line }), field, message }] });
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    return bad("(document)", `cannot parse YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [error] = doc.errors;
  if (error !== undefined) return bad("(document)", `invalid YAML: ${error.message.split("\n")[0] ?? ""}`, error.linePos?.[0].line);
  const root = doc.contents;
  if (!isMap(root)) return bad("(document)", "must be a mapping with a cases list", lineOf(root) ?? 1);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (key !== "cases") problems.push({ file, ...lineField(lineOf(pair.key as Node)), field: key || "(key)", message: "unknown field; a matrix has cases" });
  }
  const casesNode = root.get("cases", true);
  if (!isSeq(casesNode)) return bad("cases", casesNode === undefined ? "is required: a list of cases" : "must be a list of cases", lineOf(casesNode) ?? 1);
  if (casesNode.items.length > MAX_CASES) return bad("cases", `holds ${casesNode.items.length} cases; at most ${MAX_CASES}`, lineOf(casesNode));
  const cases: MatrixCase[] = [];
  casesNode.items.forEach((item, i) => {
    const path = `cases[${i}]`;
    const line = lineOf(item as Node);
    if (!isMap(item)) {
      problems.push({ file, ...lineField(line), field: path, message: "must be a mapping with from, to, port, expect" });
      return;
    }
    const fields: Partial<Record<CaseField, unknown>> = {};
    const fieldLines: Partial<Record<CaseField, number>> = {};
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const keyLine = lineOf(pair.key as Node);
      if (!isField(key)) {
        problems.push({ file, ...lineField(keyLine), field: `${path}.${key || "(key)"}`, message: `unknown field; a case has ${FIELDS.join(", ")}` });
        continue;
      }
      if (keyLine !== undefined) fieldLines[key] = keyLine;
      try {
        fields[key] = (pair.value as Node | null)?.toJS(doc, { maxAliasCount: 100 }) as unknown; // a node of the document read above
      } catch (err) {
        // Too many aliases (a "billion laughs" document), or an alias to nothing.
        problems.push({ file, ...lineField(keyLine), field: `${path}.${key}`, message: `cannot read the value: ${err instanceof Error ? err.message : String(err)}` });
        fields[key] = undefined;
      }
    }
    const parsed = parseCase({ fields, file, line, fieldLines, path });
    if (parsed.ok) cases.push(parsed.case);
    else problems.push(...parsed.problems);
  });
  return problems.length > 0 ? { file, cases: [], problems } : { file, cases, problems };
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}
