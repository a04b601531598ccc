import type { Command } from "commander";
import type { Logger } from "pino";
import { createPolicyView } from "../../audit/index.js";
import { openGraphStore, queryGraph, type ObservedGraph } from "../../graph/index.js";
import { compilePolicyModel, formatProblem, parsePolicyDocuments, type SemanticsName, type SourceDocument } from "../../policy/index.js";
import type { KubeConfigOptions } from "../../policy/sources/index.js";
import {
  hasFailures, matrixToJson, matrixToJunit, matrixToTable, matrixToTap, runMatrix, type MatrixCase, type MatrixReport,
} from "../../policy-tests/index.js";
import { readCases, refuse } from "../setup/matrix-files.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { UsageError } from "../usage-error.js";
import { summaryOf } from "../command-table.js";
import type { LoadedDocuments } from "./policies-check.js";
import { parseSemantics } from "./simulate.js";
import { registerTestGenerateCommand } from "./test-generate.js";

/** The `--policies` value that reads the policies, Namespaces and Pods from the cluster. */
export const KUBERNETES_POLICIES = "k8s";

/** What `test` needs from its caller; tests pass fakes. */
export interface TestCommandDeps {
  readonly loadPolicyDocuments: (paths: readonly string[]) => Promise<LoadedDocuments>;
  /** One snapshot of the cluster; `undefined`: the Kubernetes API through the kubeconfig. */
  readonly loadKubernetesDocuments?: (options: KubeConfigOptions) => Promise<readonly SourceDocument[]>;
  readonly write: (text: string) => void;
  readonly warn: (text: string) => void;
  readonly setExitCode: (code: number) => void;
  /** Logger for the Kubernetes source; `undefined`: Kubernetes access is unavailable. */
  readonly logger?: Logger;
  /** The clock windows are relative to; `undefined`: Date.now. */
  readonly now?: () => number;
}

interface RawOptions {
  readonly policies?: string[];
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly semantics: string;
  readonly db?: string;
  readonly since: string;
  readonly until?: string;
  readonly output: string;
}

const FORMATS = ["table", "junit", "json", "tap"] as const;
type Format = (typeof FORMATS)[number];

function isFormat(text: string): text is Format {
  return (FORMATS as readonly string[]).includes(text);
}

function render(report: MatrixReport, format: Format): string {
  switch (format) {
    case "table":
      return matrixToTable(report);
    case "junit":
      return matrixToJunit(report);
    case "json":
      return matrixToJson(report);
    case "tap":
      return matrixToTap(report);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

async function policyDocuments(raw: RawOptions, deps: TestCommandDeps): Promise<readonly SourceDocument[]> {
  // Not a required option of commander's: `test generate` would then need it too.
  const policies = raw.policies ?? [];
  if (policies.length === 0) throw new UsageError("give the policies to test: --policies PATH... or --policies k8s");
  const k8s = policies.includes(KUBERNETES_POLICIES);
  if (k8s && policies.length > 1) throw new UsageError("--policies takes either k8s or files and directories, not both");
  if (!k8s && (raw.kubeconfig !== undefined || raw.context !== undefined)) throw new UsageError("--kubeconfig and --context need --policies k8s");
  if (!k8s) return (await deps.loadPolicyDocuments(policies)).documents;
  const options: KubeConfigOptions = {
    ...(raw.kubeconfig === undefined ? {} : { kubeconfig: raw.kubeconfig }),
    ...(raw.context === undefined ? {} : { context: raw.context }),
  };
  if (deps.loadKubernetesDocuments !== undefined) return deps.loadKubernetesDocuments(options);
  if (deps.logger === undefined) throw new UsageError("--policies k8s is not available here");
  const { kubernetesSnapshot } = await import("./audit.js");
  return kubernetesSnapshot(options, deps.logger);
}

function observedGraph(raw: RawOptions, nowMs: number): ObservedGraph | undefined {
  if (raw.db === undefined) return undefined;
  const window = windowOf(raw, nowMs);
  const store = openGraphStore({ path: raw.db, access: "read-only" });
  try {
    return queryGraph(store, { window });
  } finally {
    store.close();
  }
}

/** Runs the cases against the policies (and the graph); a case that cannot be resolved refuses the run. */
function testCases(input: { cases: readonly MatrixCase[]; documents: readonly SourceDocument[]; semantics: SemanticsName; graph: ObservedGraph | undefined }, warn: (text: string) => void): MatrixReport {
  const parsed = parsePolicyDocuments(input.documents);
  for (const p of parsed.problems) warn(`problem: ${formatProblem(p)}\n`);
  const view = createPolicyView(compilePolicyModel(parsed), { semantics: input.semantics });
  const result = runMatrix({ cases: input.cases, view, semantics: input.semantics, pods: parsed.pods, ...(input.graph === undefined ? {} : { graph: input.graph }) });
  if (!result.ok) refuse(result.problems, warn);
  return result.report;
}

/**
 * Adds `hubble-auditor test MATRIX...` (and `test generate`): every case of the matrices
 * decided by the policies, with the deciding rule; with `--db`, also against observed traffic.
 * Exit code 0 when every case passes, 1 when one fails, 2 for a bad matrix.
 */
export function registerTestCommand(program: Command, deps: TestCommandDeps): Command {
  // `test` and `test generate` share --db, --since, --until and -o: options after a command
  // name must belong to that command, so each level stops parsing at its subcommand.
  program.enablePositionalOptions();
  const test = addWindowOptions(program.command("test"), "7d")
    .description(summaryOf("test"))
    .enablePositionalOptions()
    .argument("<matrix...>", "matrix files: YAML (cases: [{from, to, port, protocol, expect, name}]) or Markdown tables (| Source | Destination | Port | Expected |)")
    .option("--policies <paths...>", "policy files or directories (Pod and Namespace objects supply labels and named ports), or k8s for the cluster's")
    .option("--kubeconfig <file>", "with --policies k8s: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
    .option("--context <name>", "with --policies k8s: kubeconfig context")
    .option("--semantics <profile>", "cilium or upstream", "cilium")
    .option("--db <file>", "graph database: resolve ns/workload from observed identities and check each case against the traffic of the window")
    .option("-o, --output <format>", "table, junit, json or tap", "table")
    .action(async (files: string[], raw: RawOptions, command: Command) => {
      const semantics = parseSemantics(raw.semantics);
      const windowGiven = command.getOptionValueSource("since") === "cli" || raw.until !== undefined;
      if (windowGiven && raw.db === undefined) throw new UsageError("--since and --until choose the window of --db's traffic: give --db too");
      if (!isFormat(raw.output)) throw new UsageError(`-o must be one of ${FORMATS.join(", ")}, got "${raw.output}"`);
      const nowMs = (deps.now ?? Date.now)();
      const cases = await readCases(files, deps.warn);
      const documents = await policyDocuments(raw, deps);
      const graph = observedGraph(raw, nowMs);
      const report = testCases({ cases, documents, semantics, graph }, deps.warn);
      deps.write(render(report, raw.output));
      if (hasFailures(report)) deps.setExitCode(1);
    });
  registerTestGenerateCommand(test, deps);
  return test;
}
