import type { Flow } from "../../flows/index.js";
import { eventBatches, readFlowFile } from "../../hubble/index.js";
import type { SourceDocument } from "../../policy/index.js";
import { loadPolicyFiles } from "../../policy/sources/index.js";
import type { PolicyCommandDeps } from "../commands/policies-check.js";

/** What the policy commands need: file loading that reports problems on stderr, stdout, exit code. */
export function policyCommandDeps(warn: (text: string) => void): PolicyCommandDeps & { readonly warn: (text: string) => void } {
  return {
    loadPolicyDocuments: async (paths: readonly string[]): Promise<readonly SourceDocument[]> => {
      const { documents, problems } = await loadPolicyFiles(paths);
      for (const p of problems) {
        const where = [p.file, p.documentIndex === undefined ? undefined : `document ${p.documentIndex}`, p.line === undefined ? undefined : `line ${p.line}`]
          .filter((x) => x !== undefined)
          .join(", ");
        warn(`problem: ${where}: ${p.message}\n`);
      }
      return documents;
    },
    write: (text) => process.stdout.write(text),
    setExitCode: (code) => {
      process.exitCode = code;
    },
    warn: (text) => {
      warn(text.endsWith("\n") ? text : `${text}\n`);
    },
  };
}

/** The flows of a Hubble JSON file in input order; bad records are reported on stderr and skipped. */
export async function* readFlows(file: string): AsyncGenerator<Flow> {
  const records = readFlowFile(file, {
    onProblem: (p) => process.stderr.write(`skipped ${p.file}:${p.line}: ${p.message}\n`),
  });
  const batches = eventBatches(records, {
    onProblem: (p) => process.stderr.write(`skipped ${p.file}:${p.line}: ${p.path}: ${p.message}\n`),
  });
  for await (const batch of batches) {
    for (const event of batch) if (event.kind === "flow") yield event.flow;
  }
}
