import type { Command } from "commander";
import { apiServerAddresses } from "../../api/index.js";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import { isSemanticsName } from "../../policy/index.js";
import { policiesToFiles, policiesToJson, policiesToYaml, recommendPolicies } from "../../recommend/index.js";
import type { DefaultDenyChoice, PolicyKindChoice, RecommendOptions, RecommendResult } from "../../recommend/index.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { UsageError } from "../usage-error.js";
import { DEFAULT_DB } from "../default-db.js";
import { parseRecommendOutput, writeFilesTo, writeTar } from "./recommend-output.js";
import { recommendationSummary, refusalCount } from "./recommend-report.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly db: string;
  readonly namespace?: string[];
  readonly excludeNamespace?: string[];
  readonly defaultDeny: string;
  readonly since: string;
  readonly until?: string;
  readonly kind: string;
  readonly l7?: boolean;
  readonly dnsNames: string;
  readonly portRanges?: boolean;
  readonly includeDrops?: boolean;
  readonly includeAudit?: boolean;
  readonly worldPrefix: string;
  readonly publicIngressThreshold: string;
  readonly apiserverIp?: string[];
  readonly semantics: string;
  readonly allowPartial?: boolean;
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

/** Raised when workloads could not be written least-privilege (or observed traffic would break) and --allow-partial was not given. */
export class RecommendationIncompleteError extends Error {
  override readonly name = "RecommendationIncompleteError";
}

const KINDS: readonly PolicyKindChoice[] = ["networkpolicy", "cilium", "both"];

function isKind(text: string): text is PolicyKindChoice {
  return (KINDS as readonly string[]).includes(text);
}

const DEFAULT_DENY: readonly DefaultDenyChoice[] = ["named", "all", "none"];

function optionsOf(raw: RawOptions): Omit<RecommendOptions, "apiServerAddresses"> {
  if (!isKind(raw.kind)) throw new UsageError(`--kind must be one of ${KINDS.join(", ")}, got "${raw.kind}"`);
  const prefix = Number(raw.worldPrefix);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 32) throw new UsageError(`--world-prefix must be an integer from 8 to 32, got "${raw.worldPrefix}"`);
  const threshold = Number(raw.publicIngressThreshold);
  if (!Number.isInteger(threshold) || threshold < 2) throw new UsageError(`--public-ingress-threshold must be an integer of at least 2, got "${raw.publicIngressThreshold}"`);
  if (!isSemanticsName(raw.semantics)) throw new UsageError(`--semantics must be cilium or upstream, got "${raw.semantics}"`);
  const defaultDeny = DEFAULT_DENY.find((d) => d === raw.defaultDeny);
  if (defaultDeny === undefined) throw new UsageError(`--default-deny must be one of ${DEFAULT_DENY.join(", ")}, got "${raw.defaultDeny}"`);
  if (raw.dnsNames !== "pattern" && raw.dnsNames !== "exact") throw new UsageError(`--dns-names must be pattern or exact, got "${raw.dnsNames}"`);
  for (const ns of [...(raw.namespace ?? []), ...(raw.excludeNamespace ?? [])]) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) throw new UsageError(`namespace "${ns}" is not a valid Kubernetes namespace name`);
  }
  return {
    kind: raw.kind, namespaces: raw.namespace, excludeNamespaces: raw.excludeNamespace, defaultDeny,
    l7: raw.l7 === true, dnsNames: raw.dnsNames, portRanges: raw.portRanges === true,
    includeDrops: raw.includeDrops === true, includeAudit: raw.includeAudit === true,
    worldPrefix: prefix, publicIngressThreshold: threshold, semantics: raw.semantics,
  };
}

/** Adds `hubble-auditor recommend`: least-privilege policies from the observed traffic of a window, validated by replay. */
export function registerRecommendCommand(program: Command, deps: RecommendCommandDeps = {}): Command {
  return addWindowOptions(program.command("recommend"), "7d")
    .description(summaryOf("recommend"))
    .requiredOption("--kind <kind>", "networkpolicy, cilium or both")
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--namespace <ns...>", "only workloads of these namespaces, each also getting a default-deny (default: every observed namespace but kube-system, kube-*, cilium*)")
    .option("--exclude-namespace <ns...>", "leave these namespaces alone too, unless named with --namespace")
    .option("--default-deny <where>", "named (the --namespace ones), all (every namespace in scope) or none", "named")
    .option("--l7", "add CiliumNetworkPolicy HTTP rules from observed methods and paths")
    .option("--dns-names <mode>", "CiliumNetworkPolicy DNS rules: pattern (matchPattern \"*\") or exact (the names observed)", "pattern")
    .option("--port-ranges", "merge runs of contiguous observed ports into port ranges (endPort)")
    .option("--include-drops", "also allow connections Hubble reported dropped")
    .option("--include-audit", "also allow connections with an AUDIT verdict (a policy in audit mode would deny them)")
    .option("--world-prefix <bits>", "aggregate world IPv4 addresses to this prefix length (8-32)", "32")
    .option("--public-ingress-threshold <n>", "distinct internet addresses on one port from which the port is opened to the world", "16")
    .option("--apiserver-ip <ip...>", "API server addresses for NetworkPolicy ipBlock rules, besides those observed")
    .option("--semantics <name>", "policy semantics the replay uses: cilium or upstream", "cilium")
    .option("--allow-partial", "write what can be written when some workloads cannot (they are listed); without it that is an error")
    .option("-o, --output <format>", "yaml, json, dir:PATH or tar:FILE (per-namespace files plus kustomization.yaml)", "yaml")
    .action(async (raw: RawOptions) => {
      const output = parseRecommendOutput(raw.output);
      const options = optionsOf(raw);
      const window = windowOf(raw, (deps.now ?? Date.now)());
      const store = openGraphStore({ path: raw.db, access: "read-only" });
      const result = ((): RecommendResult => {
        try {
          // The whole window: selectors must tell workloads apart from every other one of their namespace.
          const graph = queryGraph(store, { window });
          return recommendPolicies(graph, { ...options, apiServerAddresses: [...(raw.apiserverIp ?? []), ...apiServerAddresses(store, graph)] });
        } finally {
          store.close();
        }
      })();
      if (!result.ok) throw new RecommendationInvalidError(`the recommendation failed its own validation (${result.failure.kind}); nothing was written: ${result.failure.messages.slice(0, 5).join("; ")}`);
      const { recommendation } = result;
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      (deps.warn ?? ((text: string) => process.stderr.write(text)))(recommendationSummary(recommendation));
      if (recommendation.refusals.length > 0 && raw.allowPartial !== true) {
        throw new RecommendationIncompleteError(`${refusalCount(recommendation)}; nothing was written (see the refusals above; --allow-partial writes the rest)`);
      }
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
