import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import { DEFAULT_MAX_DENY_PROBES, generateMatrix, matrixToYaml } from "../../policy-tests/index.js";
import { DEFAULT_DB } from "../default-db.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { parsePositiveInt, UsageError } from "../usage-error.js";

/** What `test generate` needs: stdout, stderr and a clock. */
export interface TestGenerateDeps {
  readonly write: (text: string) => void;
  readonly warn: (text: string) => void;
  /** `undefined`: Date.now. */
  readonly now?: () => number;
}

interface RawOptions {
  readonly db: string;
  readonly since: string;
  readonly until?: string;
  readonly output?: string;
  readonly maxDenyProbes: string;
}

/**
 * Adds `hubble-auditor test generate`: a matrix from the observed traffic of a window, every
 * observed (identity, identity, port) as allow plus bounded deny probes, to commit beside the
 * policies.
 */
export function registerTestGenerateCommand(test: Command, deps: TestGenerateDeps): Command {
  return addWindowOptions(test.command("generate"), "7d")
    .description("write a matrix from observed traffic: every observed (identity, identity, port) as allow, plus deny probes for ports workloads serve to others but were never seen reaching")
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--max-deny-probes <n>", "at most this many deny probes (the first in source, destination, port order)", String(DEFAULT_MAX_DENY_PROBES))
    .option("-o, --output <file>", "write the matrix to this file (default: stdout)")
    .action(async (raw: RawOptions) => {
      const maxDenyProbes = parsePositiveInt("--max-deny-probes", raw.maxDenyProbes);
      const window = windowOf(raw, (deps.now ?? Date.now)());
      const store = openGraphStore({ path: raw.db, access: "read-only" });
      const graph = (() => {
        try {
          return queryGraph(store, { window });
        } finally {
          store.close();
        }
      })();
      const cases = generateMatrix(graph, { maxDenyProbes });
      const origin = [`hubble-auditor test generate: observed traffic ${new Date(graph.window.sinceMs).toISOString()} to ${new Date(graph.window.untilMs).toISOString()}`];
      const text = matrixToYaml(cases, origin);
      if (raw.output === undefined) {
        deps.write(text);
        return;
      }
      try {
        await writeFile(raw.output, text);
      } catch (err) {
        throw new UsageError(`cannot write ${raw.output}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      deps.warn(`wrote ${cases.length} cases to ${raw.output}\n`);
    });
}
