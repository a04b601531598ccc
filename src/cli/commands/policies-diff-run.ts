import { createPolicyView, diffPolicies, policyDiffToJson, policyDiffToMarkdown, policyDiffToTable } from "../../audit/index.js";
import type { PolicyDiff } from "../../audit/index.js";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import type { ObservedGraph, TimeWindow } from "../../graph/index.js";
import { compilePolicyModel, withInventory } from "../../policy/index.js";
import type { PodSpec, PolicyModel, SemanticsName } from "../../policy/index.js";
import { diffOverMatrix } from "../../policy-tests/index.js";
import { readCases, refuse } from "../setup/matrix-files.js";
import { windowOf } from "../window-options.js";
import type { WindowFlags } from "../window-flags.js";
import { loadPolicySet } from "./policy-sets.js";
import type { KubeFlags, PolicySetDeps } from "./policy-sets.js";

/** What one `policies diff` run is asked, its flags checked. */
export interface PoliciesDiffRun {
  readonly old: string;
  readonly new: string;
  /** The observed traffic compared; with `matrix`, only what resolves `ns/workload`. */
  readonly db?: string;
  /** Test matrices whose cases name the connections compared, instead of the observed ones. */
  readonly matrix?: readonly string[];
  readonly window: WindowFlags;
  readonly kube: KubeFlags;
  readonly semantics: SemanticsName;
  readonly output: "table" | "json" | "markdown";
  readonly nowMs: number;
}

/**
 * Runs `policies diff`: reads both policy sets, the observed graph of the window, and renders
 * the connections whose verdict changes. Loaded only when the command runs, with SQLite.
 */
export async function runPoliciesDiff(run: PoliciesDiffRun, deps: PolicySetDeps): Promise<string> {
  const window = windowOf(run.window, run.nowMs);
  const oldPolicies = await loadPolicySet("OLD", [run.old], run.kube, deps);
  const newPolicies = await loadPolicySet("NEW", [run.new], run.kube, deps);
  // Both sides see the same Namespaces and Pods (named ports), e.g. the cluster's when one side is k8s
  // and the other files without them: only the policies differ.
  const old = compilePolicyModel(withInventory(oldPolicies, newPolicies));
  const next = compilePolicyModel(withInventory(newPolicies, oldPolicies));
  const models = { old, next, semantics: run.semantics };
  let diff: PolicyDiff;
  if (run.matrix !== undefined) diff = await diffOverMatrixFiles(run.matrix, run.db === undefined ? undefined : graphOf(run.db, window), models, [...oldPolicies.pods, ...newPolicies.pods], deps.warn);
  else if (run.db !== undefined) diff = diffOverGraph(run.db, window, models);
  else throw new Error("a diff needs observed traffic or a matrix");
  const sources = { old: run.old, new: run.new };
  switch (run.output) {
    case "json":
      return policyDiffToJson(diff, sources);
    case "markdown":
      return policyDiffToMarkdown(diff, sources);
    case "table":
      return policyDiffToTable(diff, sources);
    default: {
      const never: never = run.output;
      throw new Error(`unknown output ${String(never)}`);
    }
  }
}

interface DiffModels {
  readonly old: PolicyModel;
  readonly next: PolicyModel;
  readonly semantics: SemanticsName;
}

function graphOf(db: string, window: TimeWindow): ObservedGraph {
  const store = openGraphStore({ path: db, access: "read-only" });
  try {
    return queryGraph(store, { window });
  } finally {
    store.close();
  }
}

function diffOverGraph(db: string, window: TimeWindow, models: DiffModels): PolicyDiff {
  return diffPolicies(graphOf(db, window), createPolicyView(models.old, { semantics: models.semantics }), createPolicyView(models.next, { semantics: models.semantics }));
}

/** The diff over the cases of matrix files; a bad matrix or an unresolvable endpoint refuses the run (exit code 2), naming file, line and field. */
async function diffOverMatrixFiles(files: readonly string[], graph: ObservedGraph | undefined, models: DiffModels, pods: readonly PodSpec[], warn: (text: string) => void): Promise<PolicyDiff> {
  const cases = await readCases(files, warn);
  const result = diffOverMatrix({
    cases, pods, ...(graph === undefined ? {} : { graph }),
    old: createPolicyView(models.old, { semantics: models.semantics }), next: createPolicyView(models.next, { semantics: models.semantics }),
  });
  return result.ok ? result.diff : refuse(result.problems, warn);
}
