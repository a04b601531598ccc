import type { Command } from "commander";
import { displayText } from "../../flows/index.js";
import { compilePolicyModel, explainModel, explainTableToJson, explainTableToText } from "../../policy/index.js";
import { summaryOf } from "../command-table.js";
import { UsageError } from "../usage-error.js";
import { addKubeOptions, checkKubeFlags, KUBERNETES_SOURCE, loadPolicySet } from "./policy-sets.js";
import type { KubeFlags, PolicySetDeps } from "./policy-sets.js";

/** What `policies explain` needs: policy sets and stdout. */
export interface PoliciesExplainDeps extends PolicySetDeps {
  readonly write: (text: string) => void;
}

interface RawOptions extends KubeFlags {
  readonly output: string;
}

/**
 * Adds `hubble-auditor policies explain PATH...|k8s`: what a set of policies says, as a
 * table per target (the endpoints a selector picks in a namespace, or cluster-wide), read
 * from the compiled policy model.
 */
export function registerPoliciesExplainCommand(program: Command, deps: PoliciesExplainDeps): Command {
  const policies = program.commands.find((c) => c.name() === "policies") ?? program.command("policies").description(summaryOf("policies"));
  return addKubeOptions(
    policies
      .command("explain")
      .description("a table per target of what the policies allow and deny: TYPE, TARGET, SOURCE RULES, PEER, PORT/PROTOCOL (all/none spelled out)")
      .argument("<sources...>", `${KUBERNETES_SOURCE} (the cluster, through the Kubernetes API) or policy files and directories (YAML or JSON)`),
  )
    .option("-o, --output <format>", "table or json", "table")
    .action(async (sources: string[], raw: RawOptions) => {
      if (raw.output !== "table" && raw.output !== "json") throw new UsageError(`-o must be table or json, got "${raw.output}"`);
      checkKubeFlags(raw, [sources]);
      const parsed = await loadPolicySet("policies explain", sources, raw, deps);
      const table = explainModel(compilePolicyModel(parsed));
      deps.write(raw.output === "json" ? explainTableToJson(table) : explainTableToText(table, displayText));
    });
}
