import type { Command } from "commander";
import { isSemanticsName } from "../../policy/index.js";
import { summaryOf } from "../command-table.js";
import { UsageError } from "../usage-error.js";
import { addWindowOptions } from "../window-flags.js";
import { addKubeOptions, checkKubeFlags, KUBERNETES_SOURCE } from "./policy-sets.js";
import type { KubeFlags, PolicySetDeps } from "./policy-sets.js";

/** What `policies diff` needs: policy sets, stdout and a clock. */
export interface PoliciesDiffDeps extends PolicySetDeps {
  readonly write: (text: string) => void;
  /** The clock windows are relative to; `undefined`: Date.now. */
  readonly now?: () => number;
}

interface RawOptions extends KubeFlags {
  readonly db?: string;
  readonly matrix?: string[];
  readonly since: string;
  readonly until?: string;
  readonly semantics: string;
  readonly output: string;
}

const FORMATS = ["table", "json", "markdown"] as const;
type Format = (typeof FORMATS)[number];

function isFormat(text: string): text is Format {
  return (FORMATS as readonly string[]).includes(text);
}

/** Why the command needs `--db` or `--matrix`: the diff is over observed identities or a matrix's connections, and says so. */
export const NEEDS_DB =
  "policies diff compares the two policy sets over connections: give --db FILE, a graph database written by `hubble-auditor ingest` " +
  "(its (source identity, destination identity, port/protocol) triples in the window are the connections compared), " +
  "or --matrix FILE..., test matrices whose cases name the connections";

/**
 * Adds `hubble-auditor policies diff OLD NEW`: the observed connections that one policy set
 * allows and the other denies, each with the rules responsible on both sides. The graph store
 * and the diff are loaded when the command runs, so the other `policies` commands stay light.
 */
export function registerPoliciesDiffCommand(program: Command, deps: PoliciesDiffDeps): Command {
  const policies = program.commands.find((c) => c.name() === "policies") ?? program.command("policies").description(summaryOf("policies"));
  const command = policies
    .command("diff")
    .description("the observed connections whose verdict changes between two policy sets (allowed -> denied, denied -> allowed), with the rules responsible")
    .argument("<old>", `${KUBERNETES_SOURCE} (the cluster) or a policy file or directory: the policies as they are`)
    .argument("<new>", `${KUBERNETES_SOURCE} or a policy file or directory: the policies as proposed`)
    .option("--db <file>", "graph database of observed traffic: its identities and ports are what is compared (with --matrix: what resolves ns/workload)")
    .option("--matrix <files...>", "test matrices (as `hubble-auditor test` reads them): compare their cases' connections instead of observed traffic");
  return addKubeOptions(addWindowOptions(command, "7d"))
    .option("--semantics <profile>", "cilium or upstream", "cilium")
    .option("-o, --output <format>", "table, json or markdown (for a pull-request comment)", "table")
    .action(async (old: string, next: string, raw: RawOptions) => {
      if (!isFormat(raw.output)) throw new UsageError(`-o must be table, json or markdown, got "${raw.output}"`);
      if (!isSemanticsName(raw.semantics)) throw new UsageError(`--semantics must be cilium or upstream, got "${raw.semantics}"`);
      if (raw.db === undefined && raw.matrix === undefined) throw new UsageError(NEEDS_DB);
      checkKubeFlags(raw, [[old], [next]]);
      const { runPoliciesDiff } = await import("./policies-diff-run.js");
      const window = { since: raw.since, ...(raw.until === undefined ? {} : { until: raw.until }) };
      const over = raw.matrix === undefined ? {} : { matrix: raw.matrix };
      deps.write(await runPoliciesDiff({ old, new: next, ...(raw.db === undefined ? {} : { db: raw.db }), ...over, window, kube: raw, semantics: raw.semantics, output: raw.output, nowMs: (deps.now ?? Date.now)() }, deps));
    });
}
