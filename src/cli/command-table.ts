import type { Command } from "commander";
import type { Logger } from "pino";
import type { PolicyCommandDeps } from "./commands/policies-check.js";
import type { SourceDocument } from "../policy/index.js";
import type { KubeConfigOptions } from "../policy/sources/index.js";

/** One command of the command line: what `--help` lists, and how to load it when it runs. */
export interface CommandEntry {
  readonly name: string;
  /** The line the command list shows; the command's own `--help` shows the same. */
  readonly summary: string;
  /** Imports the command's module and adds the command, with its flags and action. */
  readonly register: (program: Command, logger: () => Promise<Logger>) => Promise<void>;
}

async function policyDeps(): Promise<PolicyCommandDeps & { readonly warn: (text: string) => void }> {
  const { policyCommandDeps } = await import("./setup/policy-files.js");
  return policyCommandDeps((text) => process.stderr.write(text));
}

/** One snapshot of the cluster's policies, for the commands that take `k8s` as a policy source. */
function kubernetesDocuments(logger: () => Promise<Logger>): (options: KubeConfigOptions) => Promise<readonly SourceDocument[]> {
  return async (options) => (await import("./setup/kubernetes-documents.js")).kubernetesDocuments(options, await logger());
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "serve",
    summary: "the daemon: ingest Hubble flows continuously, keep the policy model current, audit periodically, serve the HTTP API and metrics",
    register: async (program, logger) => {
      (await import("./commands/serve.js")).registerServeCommand(program, { logger: await logger() });
    },
  },
  {
    name: "replay",
    summary: "serve a flow capture over Hubble's gRPC API (observer.Observer GetFlows/ServerStatus/GetNodes, peer.Peer Notify), like Hubble Relay",
    register: async (program, logger) => {
      (await import("./commands/replay.js")).registerReplayCommand(program, { logger: await logger() });
    },
  },
  {
    name: "ingest",
    summary: "read Hubble flows from a flow-log file or a Hubble Relay/node and add them to the observed-traffic graph; re-running resumes after what is stored",
    register: async (program, logger) => {
      (await import("./commands/ingest.js")).registerIngestCommand(program, { logger: await logger() });
    },
  },
  {
    name: "graph",
    summary: "print the observed-traffic graph (who talked to whom, on which port, with which verdict) for a time window",
    register: async (program) => {
      (await import("./commands/graph.js")).registerGraphCommand(program);
    },
  },
  {
    name: "generate",
    summary: "write realistic synthetic Hubble flows (hubble observe -o jsonpb NDJSON) for a multi-tier app",
    register: async (program) => {
      (await import("./commands/generate.js")).registerGenerateCommand(program);
    },
  },
  {
    name: "policies",
    summary: "work with policy sets (files or the cluster): check them, explain what they allow, diff two over observed traffic",
    register: async (program, logger) => {
      const [check, explain, diff, deps] = await Promise.all([
        import("./commands/policies-check.js"), import("./commands/policies-explain.js"), import("./commands/policies-diff.js"), policyDeps(),
      ]);
      const sets = { ...deps, loadKubernetesDocuments: kubernetesDocuments(logger) };
      check.registerPoliciesCheckCommand(program, deps);
      explain.registerPoliciesExplainCommand(program, sets);
      diff.registerPoliciesDiffCommand(program, sets);
    },
  },
  {
    name: "simulate",
    summary: "evaluate each flow of a Hubble JSON file against policy files",
    register: async (program) => {
      const [{ registerSimulateCommand }, { readFlows }] = await Promise.all([import("./commands/simulate.js"), import("./setup/policy-files.js")]);
      registerSimulateCommand(program, { ...(await policyDeps()), readFlows });
    },
  },
  {
    name: "explain",
    summary: "explain whether policies allow a connection, and which rules decide",
    register: async (program) => {
      (await import("./commands/explain.js")).registerExplainCommand(program, await policyDeps());
    },
  },
  {
    name: "test",
    summary: "test policies against connectivity matrices (YAML or Markdown tables), optionally against observed traffic; test generate writes one from observed traffic",
    register: async (program, logger) => {
      (await import("./commands/test.js")).registerTestCommand(program, { ...(await policyDeps()), logger: await logger() });
    },
  },
  {
    name: "audit",
    summary: "what would break under default-deny, what policies allow that nobody uses, and what they allow too broadly",
    register: async (program, logger) => {
      (await import("./commands/audit.js")).registerAuditCommand(program, { ...(await policyDeps()), logger: await logger() });
    },
  },
  {
    name: "recommend",
    summary: "generate least-privilege NetworkPolicies / CiliumNetworkPolicies from observed traffic, validated by replaying it",
    register: async (program) => {
      (await import("./commands/recommend.js")).registerRecommendCommand(program);
    },
  },
  {
    name: "whatif",
    summary: "report which observed connections proposed policies would drop and which of their rules would go unused, without applying them",
    register: async (program) => {
      (await import("./commands/whatif.js")).registerWhatIfCommand(program, await policyDeps());
    },
  },
];

/** The summary of a command, for its own `.description()`: one text for both lists. */
export function summaryOf(name: string): string {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) throw new Error(`no command named ${name}`);
  return entry.summary;
}

/**
 * The command the arguments run: the first that is not an option (the program's own options,
 * `-V` and `-h`, take no value), or the one after `help`. Undefined: none named.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}
