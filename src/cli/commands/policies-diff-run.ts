import { createPolicyView, diffPolicies, policyDiffToJson, policyDiffToMarkdown, policyDiffToTable } from "../../audit/index.js";
import type { PolicyDiff } from "../../audit/index.js";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import type { TimeWindow } from "../../graph/index.js";
import { compilePolicyModel, withInventory } from "../../policy/index.js";
import type { PolicyModel, SemanticsName } from "../../policy/index.js";
import { windowOf } from "../window-options.js";
import type { WindowFlags } from "../window-flags.js";
import { loadPolicySet } from "./policy-sets.js";
import type { KubeFlags, PolicySetDeps } from "./policy-sets.js";

/** What one `policies diff` run is asked, its flags checked. */
export interface PoliciesDiffRun {
  readonly old: string;
  readonly new: string;
  readonly db: string;
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
  const diff = diffOverGraph(run.db, window, { old, next, semantics: run.semantics });
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

function diffOverGraph(db: string, window: TimeWindow, models: DiffModels): PolicyDiff {
  const store = openGraphStore({ path: db, access: "read-only" });
  try {
    const graph = queryGraph(store, { window });
    return diffPolicies(graph, createPolicyView(models.old, { semantics: models.semantics }), createPolicyView(models.next, { semantics: models.semantics }));
  } finally {
    store.close();
  }
}
