import type { Command } from "commander";
import { apiServerAddresses } from "../../api/index.js";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import { isSemanticsName } from "../../policy/index.js";
import { policiesToFiles, policiesToJson, policiesToYaml, recommendPolicies } from "../../recommend/index.js";
import type { PolicyKindChoice, RecommendOptions, RecommendResult } from "../../recommend/index.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { UsageError } from "../usage-error.js";
import { DEFAULT_DB } from "./ingest.js";
import { parseRecommendOutput, writeFilesTo, writeTar } from "./recommend-output.js";
import { recommendationSummary } from "./recommend-report.js";

interface RawOptions {
  readonly db: string;
  readonly namespace?: string;
  readonly since: string;
  readonly until?: string;
  readonly kind: string;
  readonly l7?: boolean;
  readonly portRanges?: boolean;
  readonly includeDrops?: boolean;
  readonly worldPrefix: string;
  readonly apiserverIp?: string[];
  readonly semantics: string;
  readonly output: string;
}

/** What `recommend` needs from its caller. */
export interface RecommendCommandDeps {
  /** The clock windows are relative to; undefined: Date.now. */
  readonly now?: () => number;
  /** Standard output; undefined: process.stdout. */
  readonly write?: (text: string) => void;
  /** Standard error (summary, warnings); undefined: process.stderr. */
  readonly warn?: (text: string) => void;
}

/** Raised when a recommendation fails its own validation: a bug, reported instead of output. */
export class RecommendationInvalidError extends Error {
  override readonly name = "RecommendationInvalidError";
}

const KINDS: readonly PolicyKindChoice[] = ["networkpolicy", "cilium", "both"];

function isKind(text: string): text is PolicyKindChoice {
  return (KINDS as readonly string[]).includes(text);
}

function optionsOf(raw: RawOptions): Omit<RecommendOptions, "apiServerAddresses"> {
  if (!isKind(raw.kind)) throw new UsageError(`--kind must be one of ${KINDS.join(", ")}, got "${raw.kind}"`);
  const prefix = Number(raw.worldPrefix);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 32) throw new UsageError(`--world-prefix must be an integer from 8 to 32, got "${raw.worldPrefix}"`);
  if (!isSemanticsName(raw.semantics)) throw new UsageError(`--semantics must be cilium or upstream, got "${raw.semantics}"`);
  return {
    kind: raw.kind, namespace: raw.namespace, l7: raw.l7 === true, portRanges: raw.portRanges === true, includeDrops: raw.includeDrops === true,
    worldPrefix: prefix, semantics: raw.semantics,
  };
}

/** Adds `hubble-auditor recommend`: least-privilege policies from the observed traffic of a window, validated by replay. */
export function registerRecommendCommand(program: Command, deps: RecommendCommandDeps = {}): Command {
  return addWindowOptions(program.command("recommend"), "7d")
    .description("generate least-privilege NetworkPolicies / CiliumNetworkPolicies from observed traffic, validated by replaying it")
    .requiredOption("--kind <kind>", "networkpolicy, cilium or both")
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--namespace <ns>", "only workloads of this namespace")
    .option("--l7", "add CiliumNetworkPolicy HTTP rules from observed methods and paths")
    .option("--port-ranges", "merge runs of contiguous observed ports into port ranges (endPort)")
    .option("--include-drops", "also allow connections Hubble reported dropped")
    .option("--world-prefix <bits>", "aggregate world IPv4 addresses to this prefix length (8-32)", "32")
    .option("--apiserver-ip <ip...>", "API server addresses for NetworkPolicy ipBlock rules (default: from stored samples)")
    .option("--semantics <name>", "policy semantics the replay uses: cilium or upstream", "cilium")
    .option("-o, --output <format>", "yaml, json, dir:PATH or tar:FILE (per-namespace files plus kustomization.yaml)", "yaml")
    .action(async (raw: RawOptions) => {
      const output = parseRecommendOutput(raw.output);
      const options = optionsOf(raw);
      const window = windowOf(raw, (deps.now ?? Date.now)());
      const store = openGraphStore({ path: raw.db, access: "read-only" });
      const result = ((): RecommendResult => {
        try {
          const graph = queryGraph(store, { window: window, namespace: raw.namespace });
          return recommendPolicies(graph, { ...options, apiServerAddresses: raw.apiserverIp ?? apiServerAddresses(store, graph) });
        } finally {
          store.close();
        }
      })();
      if (!result.ok) throw new RecommendationInvalidError(`the recommendation failed its own validation (${result.failure.kind}); nothing was written: ${result.failure.messages.slice(0, 5).join("; ")}`);
      const { recommendation } = result;
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      (deps.warn ?? ((text: string) => process.stderr.write(text)))(recommendationSummary(recommendation));
      switch (output.kind) {
        case "yaml":
          write(policiesToYaml(recommendation.policies));
          break;
        case "json":
          write(policiesToJson(recommendation.policies));
          break;
        case "dir":
          writeFilesTo(output.path, policiesToFiles(recommendation.policies));
          break;
        case "tar":
          await writeTar(output.file, policiesToFiles(recommendation.policies));
          break;
        default: {
          const never: never = output;
          throw new Error(`unknown output ${JSON.stringify(never)}`);
        }
      }
    });
}
