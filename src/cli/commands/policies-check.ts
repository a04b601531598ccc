import type { Command } from "commander";
import { summaryOf } from "../command-table.js";
import { compilePolicyModel, formatProblem, parsePolicyDocuments, type ParsedPolicies, type SourceDocument } from "../../policy/index.js";

/** Documents read from policy paths, and how many file-level problems (unreadable, bad YAML) were reported. */
export interface LoadedDocuments {
  readonly documents: readonly SourceDocument[];
  readonly fileProblems: number;
}

/** What the policy commands need from the edges. */
export interface PolicyCommandDeps {
  /** Reads YAML/JSON files or directories into decoded documents, reporting file problems itself. */
  readonly loadPolicyDocuments: (paths: readonly string[]) => Promise<LoadedDocuments>;
  /** Writes text to stdout. */
  readonly write: (text: string) => void;
  /** Sets the process exit code (1 for `--strict` with problems). */
  readonly setExitCode: (code: number) => void;
}

/** Adds `hubble-auditor policies check PATH...`: validate and summarise policy files. */
export function registerPoliciesCheckCommand(program: Command, deps: PolicyCommandDeps): Command {
  const policies = program.commands.find((c) => c.name() === "policies") ?? program.command("policies").description(summaryOf("policies"));
  return policies
    .command("check")
    .description("validate NetworkPolicy / CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy files and summarise them")
    .argument("<paths...>", "files or directories (YAML or JSON, multi-document, List kinds)")
    .option("--strict", "exit with code 1 when any problem is found")
    .action(async (paths: string[], options: { readonly strict?: boolean }) => {
      const loaded = await deps.loadPolicyDocuments(paths);
      const parsed = parsePolicyDocuments(loaded.documents);
      deps.write(summarise(parsed, loaded.fileProblems));
      if (options.strict === true && parsed.problems.length + loaded.fileProblems > 0) deps.setExitCode(1);
    });
}

/** The text `policies check` prints: problems (one line each, with file, document, object and field), then counts. */
export function summarise(parsed: ParsedPolicies, fileProblems = 0): string {
  const model = compilePolicyModel(parsed);
  const cnp = parsed.ciliumPolicies.filter((p) => p.id.kind === "CiliumNetworkPolicy").length;
  const lines = parsed.problems.map((p) => `problem: ${formatProblem(p)}`);
  for (const i of parsed.ignored) lines.push(`ignored: ${i.origin.file ?? i.origin.source} ${i.kind}${i.name === undefined ? "" : ` ${i.name}`}: ${i.note}`);
  const total = parsed.problems.length + fileProblems;
  lines.push(
    `NetworkPolicy: ${parsed.networkPolicies.length}`,
    `CiliumNetworkPolicy: ${cnp}`,
    `CiliumClusterwideNetworkPolicy: ${parsed.ciliumPolicies.length - cnp}`,
    `Namespace: ${parsed.namespaces.length}, Pod: ${parsed.pods.length}`,
    `namespaces with policies: ${model.byNamespace.size}, rule sections: ${model.sections.length}, host policies (not evaluated): ${model.hostPolicies.length}`,
    fileProblems === 0 ? `problems: ${total}` : `problems: ${total} (${fileProblems} while reading files, reported on stderr)`,
  );
  return `${lines.join("\n")}\n`;
}
