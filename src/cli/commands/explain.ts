import type { Command } from "commander";
import {
  compilePolicyModel,
  createPolicyEvaluator,
  explainEvaluation,
  formatProblem,
  parseIp,
  parsePolicyDocuments,
  type ParsedPolicies,
  type PolicyEndpoint,
} from "../../policy/index.js";
import { UsageError } from "../usage-error.js";
import type { PolicyCommandDeps } from "./policies-check.js";
import { parseSemantics } from "./simulate.js";

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
    .description("explain whether policies allow a connection, and which rules decide")
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
      const source = resolvePeer(parsed, raw.from, deps.warn);
      const destination = resolvePeer(parsed, raw.to, deps.warn);
      const evaluation = createPolicyEvaluator(compilePolicyModel(parsed), { semantics }).evaluate({ source, destination, protocol, port });
      deps.write(explainEvaluation(evaluation, { source: raw.from, destination: raw.to, port: `${port}/${protocol}` }));
    });
}

/**
 * Turns `ns/workload` or an IP into an endpoint. A workload is found among the given Pod
 * objects by pod name or owner name (a ReplicaSet `web-7d9f` counts for `web`); an IP
 * that is no known pod is a peer outside the cluster.
 */
export function resolvePeer(parsed: ParsedPolicies, text: string, warn: (text: string) => void): PolicyEndpoint {
  if (parseIp(text) !== undefined) {
    const pod = parsed.pods.find((p) => p.ips.includes(text));
    if (pod === undefined) return { labels: ["reserved:world"], ip: text };
    return { labels: [], namespace: pod.namespace, podName: pod.name, ip: text };
  }
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1) throw new UsageError(`peer must be ns/workload or an IP address, got "${text}"`);
  const namespace = text.slice(0, slash);
  const workload = text.slice(slash + 1);
  const pod = parsed.pods.find(
    (p) => p.namespace === namespace && (p.name === workload || p.owners.some((o) => o.name === workload || o.name.startsWith(`${workload}-`))),
  );
  if (pod === undefined) {
    warn(`warning: no Pod object for ${text}; using only its namespace labels\n`);
    return { labels: [], namespace };
  }
  return { labels: [], namespace, podName: pod.name, ...(pod.ips[0] === undefined ? {} : { ip: pod.ips[0] }) };
}
