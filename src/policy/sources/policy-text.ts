import { DEFAULT_FILE_LIMITS } from "./file-limits.js";
import type { FileProblem } from "./file-problem.js";
import { parseDocuments, type TextFormat } from "./parse-documents.js";
import type { SourceDocument } from "../index.js";

/** What a policy text (an uploaded manifest, a request body) holds. */
export interface PolicyText {
  readonly documents: readonly SourceDocument[];
  readonly problems: readonly FileProblem[];
}

/**
 * Splits YAML or JSON text that did not come from a file into policy objects, as
 * {@link loadPolicyFiles} does for files: `name` stands in for the file name in origins and
 * problems. The caller bounds the text's size; nesting depth and document count are bounded here.
 */
export function parsePolicyText(text: string, options: { readonly name: string; readonly format: TextFormat }): PolicyText {
  const parsed = parseDocuments(text, { file: options.name, format: options.format, maxDepth: DEFAULT_FILE_LIMITS.maxDepth });
  const problems: FileProblem[] = [...parsed.problems];
  const documents: SourceDocument[] = [];
  for (const doc of parsed.documents) {
    if (documents.length >= DEFAULT_FILE_LIMITS.maxDocuments) {
      problems.push({ file: options.name, documentIndex: doc.documentIndex, message: `more than ${DEFAULT_FILE_LIMITS.maxDocuments} documents; this one and the rest are ignored` });
      break;
    }
    documents.push({ origin: { source: "file", file: options.name, documentIndex: doc.documentIndex }, object: doc.object });
  }
  return { documents, problems };
}
