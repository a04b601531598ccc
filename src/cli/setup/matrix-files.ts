import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { formatMatrixProblem, parseMarkdownMatrix, parseYamlMatrix, type MatrixCase, type MatrixProblem, type ParsedMatrix } from "../../policy-tests/index.js";
import { UsageError } from "../usage-error.js";

/** The largest matrix file read (a matrix is written by people, or generated with a bound). */
export const MAX_MATRIX_BYTES = 8 * 1024 * 1024;

function reason(err: unknown): string {
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads a matrix file: Markdown (`.md`, `.markdown`) as tables, anything else as YAML. A file
 * that cannot be read is a UsageError naming it (exit code 2); what is wrong inside it comes
 * back as problems.
 */
export async function readMatrixFile(path: string): Promise<ParsedMatrix> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (info.size > MAX_MATRIX_BYTES) throw new UsageError(`matrix ${path}: ${info.size} bytes; at most ${MAX_MATRIX_BYTES}`);
    text = await readFile(path, "utf8");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read matrix ${path}: ${reason(err)}`, { cause: err });
  }
  const ext = extname(path).toLowerCase();
  return ext === ".md" || ext === ".markdown" ? parseMarkdownMatrix(text, path) : parseYamlMatrix(text, path);
}

/** Every problem on stderr, then a UsageError (exit code 2) carrying the first: nothing is tested on a bad matrix. */
export function refuse(problems: readonly MatrixProblem[], warn: (text: string) => void): never {
  for (const p of problems) warn(`problem: ${formatMatrixProblem(p)}\n`);
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems, listed above)` : "";
  throw new UsageError(`bad matrix: ${first === undefined ? "no problems" : formatMatrixProblem(first)}${more}`);
}

/** Reads the matrices and refuses the run on any problem, naming file, line and field. */
export async function readCases(files: readonly string[], warn: (text: string) => void): Promise<readonly MatrixCase[]> {
  const problems: MatrixProblem[] = [];
  const cases: MatrixCase[] = [];
  for (const file of files) {
    const parsed = await readMatrixFile(file);
    problems.push(...parsed.problems);
    cases.push(...parsed.cases);
  }
  if (problems.length > 0) refuse(problems, warn);
  return cases;
}
