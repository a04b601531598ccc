import type { Command } from "commander";
import { compilePolicyModel, formatProblem, parsePolicyDocuments, type ParsedPolicies, type SourceDocument } from "../../policy/index.js";

/** What the policy commands need from the edges. */
export interface PolicyCommandDeps {
  /** Reads YAML/JSON files or directories into decoded documents (the policy file source). */
  readonly loadPolicyDocuments: (paths: readonly string[]) => Promise<readonly SourceDocument[]>;
  /** Writes text to stdout. */
  readonly write: (text: string) => void;
  /** Sets the process exit code (1 for `--strict` with problems). */
  readonly setExitCode: (code: number) => void;
}

/** Adds `hubble-auditor policies check PATH...`: validate and summarise policy files. */
export function registerPoliciesCheckCommand(program: Command, deps: PolicyCommandDeps): Command {
  const policies = program.commands.find((c) => c.name() === "policies") ?? program.command("policies").description("work with policy files");
  return policies
    .command("check")
    .description("validate NetworkPolicy / CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy files and summarise them")
    .argument("<paths...>", "files or directories (YAML or JSON, multi-document, List kinds)")
    .option("--strict", "exit with code 1 when any problem is found")
    .action(async (paths: string[], options: { readonly strict?: boolean }) => {
      const parsed = parsePolicyDocuments(await deps.loadPolicyDocuments(paths));
      deps.write(summarise(parsed));
      if (options.strict === true && parsed.problems.length > 0) deps.setExitCode(1);
    });
}

/** The text `policies check` prints: problems, then counts. */
export function summarise(parsed: ParsedPolicies): string {
  const model = compilePolicyModel(parsed);
  const cnp = parsed.ciliumPolicies.filter((p) => p.id.kind === "CiliumNetworkPolicy").length;
  const lines = parsed.problems.map((p) => `problem: ${formatProblem(p)}`);
  for (const i of parsed.ignored) lines.push(`ignored: ${i.origin.file ?? i.origin.source} ${i.kind}${i.name === undefined ? "" : ` ${i.name}`}: ${i.note}`);
  lines.push(
    `NetworkPolicy: ${parsed.networkPolicies.length}`,
    `CiliumNetworkPolicy: ${cnp}`,
    `CiliumClusterwideNetworkPolicy: ${parsed.ciliumPolicies.length - cnp}`,
    `Namespace: ${parsed.namespaces.length}, Pod: ${parsed.pods.length}`,
    `namespaces with policies: ${model.byNamespace.size}, rule sections: ${model.sections.length}, host policies (not evaluated): ${model.hostPolicies.length}`,
    `problems: ${parsed.problems.length}`,
  );
  return `${lines.join("\n")}\n`;
}
