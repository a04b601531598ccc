/**
 * Why (part of) a policy file could not be loaded. `documentIndex` is the 0-based position of the
 * document in a multi-document YAML stream (undefined when the whole file is affected); `line` and
 * `column` are 1-based and undefined when the problem has no position.
 */
export interface FileProblem {
  readonly file: string;
  readonly documentIndex?: number;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** One line for a file-level problem: `problem: file, document 2, line 5: message`. */
export function formatFileProblem(p: FileProblem): string {
  const where = [p.file, p.documentIndex === undefined ? undefined : `document ${p.documentIndex}`, p.line === undefined ? undefined : `line ${p.line}`]
    .filter((x) => x !== undefined)
    .join(", ");
  return `problem: ${where}: ${p.message}\n`;
}
