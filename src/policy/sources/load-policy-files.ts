import { readFile, stat } from "node:fs/promises";
import { collectPolicyFiles, describe } from "./collect-files.js";
import { DEFAULT_FILE_LIMITS, type FileLimits } from "./file-limits.js";
import type { FileProblem } from "./file-problem.js";
import { parseDocuments, type ParsedDocument } from "./parse-documents.js";
import type { SourceDocument } from "../index.js";

/** What a set of policy paths yielded: every object found, in load order, and every problem. */
export interface LoadedPolicyFiles {
  readonly documents: SourceDocument[];
  readonly problems: FileProblem[];
  /**
   * The problems (also in `problems`) of paths the caller named that could not be used at all:
   * missing, inaccessible, neither file nor directory, or a directory or file that cannot be
   * read. Callers that must not go on without them throw a `PolicyPathError`.
   */
  readonly unusablePaths: FileProblem[];
  /** Named directories that exist but hold no `*.yaml`, `*.yml` or `*.json` file: worth a warning, not a problem. */
  readonly emptyDirectories: string[];
}

/** Options for {@link loadPolicyFiles}; limits left undefined take {@link DEFAULT_FILE_LIMITS}. */
export interface LoadPolicyFilesOptions {
  readonly limits?: Partial<FileLimits>;
}

/**
 * Reads policy objects from YAML/JSON files and directories (walked recursively for `*.yaml`,
 * `*.yml` and `*.json`). Never throws for bad input: a missing path, an unreadable or oversized
 * file, a YAML syntax error or an over-deep document becomes a problem naming the file (and the
 * document index and line where known), and everything else still loads. Named paths that could
 * not be used at all are listed again in `unusablePaths`, so that a command can refuse to run on
 * a policy set with a whole path missing. Which kinds are understood is the policy parser's
 * decision; every object is passed on.
 */
export async function loadPolicyFiles(
  paths: readonly string[],
  options: LoadPolicyFilesOptions = {},
): Promise<LoadedPolicyFiles> {
  const limits: FileLimits = { ...DEFAULT_FILE_LIMITS, ...options.limits };
  const collected = await collectPolicyFiles(paths, limits.maxFiles);
  const documents: SourceDocument[] = [];
  const problems: FileProblem[] = [...collected.problems];
  const unusablePaths: FileProblem[] = [...collected.unusablePaths];
  const emptyDirectories = [...collected.emptyDirectories];
  const result = (): LoadedPolicyFiles => ({ documents, problems, unusablePaths, emptyDirectories });
  let count = 0;
  for (const file of collected.files) {
    const read = await readBounded(file, limits.maxFileBytes);
    if (read.kind !== "read") {
      problems.push(read.problem);
      // An oversized file is bad input, like bad YAML; one that cannot be read is a missing path.
      if (read.kind === "unreadable" && collected.namedFiles.has(file)) unusablePaths.push(read.problem);
      continue;
    }
    const format = file.toLowerCase().endsWith(".json") ? "json" : "yaml";
    const parsed = parseDocuments(read.text, { file, format, maxDepth: limits.maxDepth });
    problems.push(...parsed.problems);
    for (const doc of parsed.documents) {
      count += weight(doc);
      if (count > limits.maxDocuments) {
        problems.push({
          file,
          documentIndex: doc.documentIndex,
          message: `more than ${limits.maxDocuments} documents; this one and the rest are ignored`,
        });
        return result();
      }
      documents.push({ origin: { source: "file", file, documentIndex: doc.documentIndex }, object: doc.object });
    }
  }
  return result();
}

type BoundedRead =
  | { readonly kind: "read"; readonly text: string }
  | { readonly kind: "too-large" | "unreadable"; readonly problem: FileProblem };

async function readBounded(file: string, maxBytes: number): Promise<BoundedRead> {
  try {
    const { size } = await stat(file);
    if (size > maxBytes) return { kind: "too-large", problem: { file, message: tooLarge(size, maxBytes) } };
    const bytes = await readFile(file);
    // The file may have grown between stat and read.
    if (bytes.length > maxBytes) return { kind: "too-large", problem: { file, message: tooLarge(bytes.length, maxBytes) } };
    return { kind: "read", text: bytes.toString("utf8") };
  } catch (err) {
    return { kind: "unreadable", problem: { file, message: `cannot read file: ${describe(err)}` } };
  }
}

function tooLarge(size: number, maxBytes: number): string {
  return `file is ${size} bytes, more than the limit of ${maxBytes}`;
}

/** A `List` counts as its items, so wrapping objects in a List does not get around the limit. */
function weight(doc: ParsedDocument): number {
  const { kind, items } = doc.object;
  return typeof kind === "string" && kind.endsWith("List") && Array.isArray(items) ? Math.max(items.length, 1) : 1;
}
