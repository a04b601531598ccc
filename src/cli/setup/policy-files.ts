import type { Flow } from "../../flows/index.js";
import { eventBatches, readFlowFile } from "../../hubble/index.js";
import { assertPolicyPathsUsable, formatFileProblem, loadPolicyFiles } from "../../policy/sources/index.js";
import type { LoadedDocuments, PolicyCommandDeps } from "../commands/policies-check.js";

/** Where the policy commands write; tests pass their own. */
export interface PolicyCommandIo {
  /** Standard output; `undefined` writes to process.stdout. */
  readonly write?: (text: string) => void;
  /** Exit code setter; `undefined` sets process.exitCode. */
  readonly setExitCode?: (code: number) => void;
}

/** The warning for a named directory without policy files: it may be the wrong one, but it is not an error. */
export function formatEmptyDirectory(dir: string): string {
  return `warning: ${dir}: no policy files (*.yaml, *.yml, *.json) in this directory\n`;
}

/**
 * What the policy commands need: file loading that reports problems through `warn`, stdout, exit
 * code. A named path that cannot be used at all (missing, unreadable) is a `PolicyPathError`
 * (exit code 2, before any output): going on would evaluate against fewer policies than asked for.
 */
export function policyCommandDeps(
  warn: (text: string) => void,
  io: PolicyCommandIo = {},
): PolicyCommandDeps & { readonly warn: (text: string) => void } {
  const line = (text: string): void => {
    warn(text.endsWith("\n") ? text : `${text}\n`);
  };
  return {
    loadPolicyDocuments: async (paths: readonly string[]): Promise<LoadedDocuments> => {
      const loaded = await loadPolicyFiles(paths);
      assertPolicyPathsUsable(loaded);
      const { documents, problems } = loaded;
      for (const dir of loaded.emptyDirectories) line(formatEmptyDirectory(dir));
      for (const p of problems) line(formatFileProblem(p));
      return { documents, fileProblems: problems.length };
    },
    write: io.write ?? ((text) => process.stdout.write(text)),
    setExitCode:
      io.setExitCode ??
      ((code) => {
        process.exitCode = code;
      }),
    warn: line,
  };
}

/**
 * A reader of Hubble JSON flow files (same formats as ingestion) in input order; bad
 * records are reported through `warn` with file and line, and skipped.
 */
export function flowReader(warn: (text: string) => void): (file: string) => AsyncGenerator<Flow> {
  return async function* read(file: string): AsyncGenerator<Flow> {
    const records = readFlowFile(file, {
      onProblem: (p) => {
        warn(`skipped ${p.file}:${p.line}: ${p.message}\n`);
      },
    });
    const batches = eventBatches(records, {
      onProblem: (p) => {
        warn(`skipped ${p.file}:${p.line}: ${p.path}: ${p.message}\n`);
      },
    });
    for await (const batch of batches) {
      for (const event of batch) if (event.kind === "flow") yield event.flow;
    }
  };
}

/** {@link flowReader} reporting on stderr. */
export const readFlows = flowReader((text) => process.stderr.write(text));
