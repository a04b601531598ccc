import type { Command } from "commander";
import type { Logger } from "pino";
import { auditWithExamples } from "../../api/index.js";
import { auditGraph, auditToJson, auditToTable, createPolicyView } from "../../audit/index.js";
import { openGraphStore, queryGraph } from "../../graph/index.js";
import { compilePolicyModel, formatProblem, parsePolicyDocuments } from "../../policy/index.js";
import type { SourceDocument } from "../../policy/index.js";
import { loadKubeConfig, takeKubernetesSnapshot } from "../../policy/sources/index.js";
import type { KubeConfigOptions } from "../../policy/sources/index.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { UsageError } from "../usage-error.js";
import { DEFAULT_DB } from "../default-db.js";
import type { LoadedDocuments } from "./policies-check.js";
import { parseSemantics } from "./simulate.js";
import { summaryOf } from "../command-table.js";

/** What `audit` needs from its caller; tests pass fakes. */
export interface AuditCommandDeps {
  /** Reads policy files and directories, reporting file problems itself. */
  readonly loadPolicyDocuments: (paths: readonly string[]) => Promise<LoadedDocuments>;
  /** One snapshot of the cluster's policies, Namespaces and Pods; `undefined`: {@link kubernetesSnapshot}. */
  readonly loadKubernetesDocuments?: (options: KubeConfigOptions) => Promise<readonly SourceDocument[]>;
  readonly write: (text: string) => void;
  readonly warn: (text: string) => void;
  /** Logger for the Kubernetes source; `undefined`: Kubernetes access is unavailable. */
  readonly logger?: Logger;
  /** The clock windows are relative to; `undefined`: Date.now. */
  readonly now?: () => number;
}

interface RawOptions {
  readonly db: string;
  readonly policies?: string[];
  readonly kubernetes?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly since: string;
  readonly until?: string;
  readonly semantics: string;
  readonly output: string;
}

/** Adds `hubble-auditor audit`: findings of observed traffic against the policies. */
export function registerAuditCommand(program: Command, deps: AuditCommandDeps): Command {
  return addWindowOptions(program.command("audit"), "7d")
    .description(summaryOf("audit"))
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--policies <paths...>", "policy files or directories (Pod and Namespace objects supply labels and named ports)")
    .option("--kubernetes", "read the policies, Namespaces and Pods from the cluster")
    .option("--kubeconfig <file>", "with --kubernetes: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
    .option("--context <name>", "with --kubernetes: kubeconfig context")
    .option("--namespace <ns>", "only findings and readiness of this namespace")
    .option("--semantics <profile>", "cilium or upstream", "cilium")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (raw: RawOptions) => {
      const semantics = parseSemantics(raw.semantics);
      if (raw.output !== "table" && raw.output !== "json") throw new UsageError(`-o must be table or json, got "${raw.output}"`);
      const nowMs = (deps.now ?? Date.now)();
      const window = windowOf(raw, nowMs);
      const documents = await policyDocuments(raw, deps);
      const parsed = parsePolicyDocuments(documents);
      for (const p of parsed.problems) deps.warn(`problem: ${formatProblem(p)}\n`);
      const view = createPolicyView(compilePolicyModel(parsed), { semantics });
      const store = openGraphStore({ path: raw.db, access: "read-only" });
      try {
        const namespace = raw.namespace;
        const graph = queryGraph(store, { window: window, namespace });
        const history = queryGraph(store, { window: { sinceMs: 0, untilMs: Number.MAX_SAFE_INTEGER }, namespace });
        const report = auditGraph({ graph, history, view, nowMs, ...(namespace === undefined ? {} : { namespace }) });
        const full = auditWithExamples(store, report);
        deps.write(raw.output === "json" ? auditToJson(full) : auditToTable(full));
      } finally {
        store.close();
      }
    });
}

async function policyDocuments(raw: RawOptions, deps: AuditCommandDeps): Promise<readonly SourceDocument[]> {
  const files = raw.policies !== undefined && raw.policies.length > 0;
  if (files && raw.kubernetes === true) throw new UsageError("give either --policies or --kubernetes, not both");
  if (!files && raw.kubernetes !== true) throw new UsageError("give the policies to audit against: --policies PATH... or --kubernetes");
  if ((raw.kubeconfig !== undefined || raw.context !== undefined) && raw.kubernetes !== true) {
    throw new UsageError("--kubeconfig and --context need --kubernetes");
  }
  if (files) return (await deps.loadPolicyDocuments(raw.policies ?? [])).documents;
  const options: KubeConfigOptions = {
    ...(raw.kubeconfig === undefined ? {} : { kubeconfig: raw.kubeconfig }),
    ...(raw.context === undefined ? {} : { context: raw.context }),
  };
  if (deps.loadKubernetesDocuments !== undefined) return deps.loadKubernetesDocuments(options);
  if (deps.logger === undefined) throw new UsageError("--kubernetes is not available here");
  return kubernetesSnapshot(options, deps.logger);
}

/**
 * Lists the cluster's policies, Namespaces and Pods once. An API server that cannot be reached
 * or keeps failing ends the command after a few seconds of retries with a
 * KubernetesSnapshotError naming the server and the error (exit code 2), rather than an audit
 * against no policies.
 */
export function kubernetesSnapshot(options: KubeConfigOptions, logger: Logger): Promise<readonly SourceDocument[]> {
  return takeKubernetesSnapshot({ kubeConfig: loadKubeConfig(options), logger: logger.child({ module: "policy-source" }) });
}
