import type { Command } from "commander";
import { resolvePeer } from "../../audit/index.js";
import {
  compilePolicyModel,
  createPolicyEvaluator,
  explainEvaluation,
  formatProblem,
  parsePolicyDocuments,
  type ParsedPolicies,
  type PolicyEndpoint,
} from "../../policy/index.js";
import { UsageError } from "../usage-error.js";
import type { PolicyCommandDeps } from "./policies-check.js";
import { parseSemantics } from "./simulate.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly policies: string[];
  readonly from: string;
  readonly to: string;
  readonly port: string;
  readonly semantics: string;
}

/** Adds `hubble-auditor explain`: the verdict for one connection, in words. */
export function registerExplainCommand(program: Command, deps: PolicyCommandDeps & { readonly warn: (text: string) => void }): Command {
  return program
    .command("explain")
    .description(summaryOf("explain"))
    .requiredOption("--policies <paths...>", "policy files or directories (Pod and Namespace objects supply labels)")
    .requiredOption("--from <peer>", "ns/workload (a pod name or its owner) or an IP address")
    .requiredOption("--to <peer>", "ns/workload or an IP address")
    .requiredOption("--port <port>", "port/protocol, e.g. 80/TCP")
    .option("--semantics <profile>", "cilium or upstream", "cilium")
    .action(async (raw: RawOptions) => {
      const semantics = parseSemantics(raw.semantics);
      const m = /^(\d{1,5})(?:\/(TCP|UDP|SCTP))?$/i.exec(raw.port);
      if (m === null) throw new UsageError(`--port must look like 80/TCP, got "${raw.port}"`);
      const port = Number(m[1]);
      const protocol = (m[2] ?? "TCP").toUpperCase();
      const parsed = parsePolicyDocuments((await deps.loadPolicyDocuments(raw.policies)).documents);
      for (const p of parsed.problems) deps.warn(`problem: ${formatProblem(p)}\n`);
      const source = endpointOf(parsed, "--from", raw.from, deps.warn);
      const destination = endpointOf(parsed, "--to", raw.to, deps.warn);
      const evaluation = createPolicyEvaluator(compilePolicyModel(parsed), { semantics }).evaluate({ source, destination, protocol, port });
      deps.write(explainEvaluation(evaluation, { source: raw.from, destination: raw.to, port: `${port}/${protocol}` }));
    });
}

/** A peer of the command line as an endpoint; a UsageError names the flag of a malformed one. */
function endpointOf(parsed: ParsedPolicies, flag: string, text: string, warn: (text: string) => void): PolicyEndpoint {
  const resolved = resolvePeer(text, { pods: parsed.pods });
  if (!resolved.ok) throw new UsageError(`${flag}: peer ${resolved.message}`);
  if (resolved.note !== undefined) warn(`warning: ${resolved.note}\n`);
  return resolved.endpoint;
}
