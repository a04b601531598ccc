import { LineCounter, parseAllDocuments } from "yaml";
import type { FileProblem } from "./file-problem.js";
import { exceedsDepth } from "./nesting-depth.js";

/** One object read from a file, with its 0-based position in the file's document stream. */
export interface ParsedDocument {
  readonly documentIndex: number;
  readonly object: Readonly<Record<string, unknown>>;
}

/** The objects a file holds and what was wrong with the rest of it. */
export interface ParsedText {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly FileProblem[];
}

/** How to read a file's text: `.json` files as one JSON value, anything else as a YAML stream. */
export type TextFormat = "json" | "yaml";

/** Options for {@link parseDocuments}. */
export interface ParseDocumentsOptions {
  readonly file: string;
  readonly format: TextFormat;
  readonly maxDepth: number;
}

/**
 * Splits a file's text into Kubernetes objects. A document with a syntax error, too deep a nesting
 * or a non-object top level becomes a problem; the other documents of the stream are still
 * returned. Empty documents (only comments, or a trailing `---`) are skipped silently.
 */
export function parseDocuments(text: string, options: ParseDocumentsOptions): ParsedText {
  return options.format === "json" ? parseJson(text, options) : parseYaml(text, options);
}

function parseJson(text: string, options: ParseDocumentsOptions): ParsedText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? {} : lineAndColumn(text, Number(position));
    return { documents: [], problems: [{ file: options.file, documentIndex: 0, ...where, message: `invalid JSON: ${message}` }] };
  }
  return collect([{ documentIndex: 0, value }], [], options);
}

function parseYaml(text: string, options: ParseDocumentsOptions): ParsedText {
  const lineCounter = new LineCounter();
  const problems: FileProblem[] = [];
  const values: { documentIndex: number; value: unknown }[] = [];
  let stream: ReturnType<typeof parseAllDocuments>;
  try {
    // YAML 1.1, as kubectl reads manifests: an unquoted `yes` or `on` is a boolean there, so a label
    // value written that way is rejected here as kubectl would reject it, not silently accepted.
    stream = parseAllDocuments(text, { version: "1.1", lineCounter, prettyErrors: true });
  } catch (err) {
    // The parser recurses on nesting; a pathological input can exhaust the stack.
    return { documents: [], problems: [{ file: options.file, message: `cannot parse YAML: ${errorMessage(err)}` }] };
  }
  if (!Array.isArray(stream)) return { documents: [], problems: [] }; // an empty stream
  stream.forEach((doc, documentIndex) => {
    const [error] = doc.errors;
    if (error !== undefined) {
      const start = error.linePos?.[0];
      const where = start === undefined ? {} : { line: start.line, column: start.col };
      const message = `invalid YAML: ${firstLine(error.message)}`;
      problems.push({ file: options.file, documentIndex, ...where, message });
      return;
    }
    if (doc.contents === null) return;
    try {
      values.push({ documentIndex, value: doc.toJS({ maxAliasCount: 100 }) });
    } catch (err) {
      const line = lineCounter.linePos(doc.contents.range?.[0] ?? 0).line;
      problems.push({ file: options.file, documentIndex, line, message: `cannot read YAML: ${errorMessage(err)}` });
    }
  });
  return collect(values, problems, options);
}

function collect(
  values: readonly { documentIndex: number; value: unknown }[],
  problems: FileProblem[],
  options: ParseDocumentsOptions,
): ParsedText {
  const documents: ParsedDocument[] = [];
  for (const { documentIndex, value } of values) {
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      const found = Array.isArray(value) ? "an array" : `a ${typeof value}`;
      problems.push({ file: options.file, documentIndex, message: `document is ${found}, not a Kubernetes object` });
    } else if (exceedsDepth(value, options.maxDepth)) {
      problems.push({ file: options.file, documentIndex, message: `document nests deeper than ${options.maxDepth} levels` });
    } else {
      documents.push({ documentIndex, object: value });
    }
  }
  return { documents, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0] ?? message;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? firstLine(err.message) : String(err);
}
