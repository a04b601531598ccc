import type { Command } from "commander";
import { formatProblem, parsePolicyDocuments } from "../../policy/index.js";
import type { ParsedPolicies, SourceDocument } from "../../policy/index.js";
import type { KubeConfigOptions } from "../../policy/sources/index.js";
import { UsageError } from "../usage-error.js";
import type { LoadedDocuments } from "./policies-check.js";

/** The policy source that names the cluster (through the Kubernetes API) instead of files. */
export const KUBERNETES_SOURCE = "k8s";

/** What commands reading `PATH...|k8s` policy sets need from the edges; tests pass fakes. */
export interface PolicySetDeps {
  /** Reads policy files and directories, reporting file problems itself. */
  readonly loadPolicyDocuments: (paths: readonly string[]) => Promise<LoadedDocuments>;
  /** One snapshot of the cluster's policies, Namespaces and Pods; `undefined`: Kubernetes is not available here. */
  readonly loadKubernetesDocuments?: (options: KubeConfigOptions) => Promise<readonly SourceDocument[]>;
  /** Writes a line to stderr (policy problems). */
  readonly warn: (text: string) => void;
}

/** The kubeconfig flags as commander parsed them. */
export interface KubeFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Adds `--kubeconfig` and `--context`, which apply to the `k8s` policy source. */
export function addKubeOptions(command: Command): Command {
  return command
    .option("--kubeconfig <file>", `with ${KUBERNETES_SOURCE}: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)`)
    .option("--context <name>", `with ${KUBERNETES_SOURCE}: kubeconfig context`);
}

/** Whether any of the named sources is the cluster. */
export function namesKubernetes(sources: readonly (readonly string[])[]): boolean {
  return sources.some((s) => s.includes(KUBERNETES_SOURCE));
}

/** Refuses kubeconfig flags when no policy source is `k8s`: they would be silently ignored. */
export function checkKubeFlags(flags: KubeFlags, sources: readonly (readonly string[])[]): void {
  if ((flags.kubeconfig !== undefined || flags.context !== undefined) && !namesKubernetes(sources)) {
    throw new UsageError(`--kubeconfig and --context need ${KUBERNETES_SOURCE} as a policy source`);
  }
}

/**
 * Reads one policy set, `k8s` (the cluster's policies, Namespaces and Pods, one snapshot) or
 * files and directories, and parses it. Problems in policies are reported through `warn`
 * (file, document, object and field) and the bad objects skipped, as everywhere; `what`
 * names the argument in usage errors. A file named `k8s` is read as `./k8s`.
 */
export async function loadPolicySet(what: string, sources: readonly string[], kube: KubeFlags, deps: PolicySetDeps): Promise<ParsedPolicies> {
  const cluster = sources.includes(KUBERNETES_SOURCE);
  if (cluster && sources.length > 1) throw new UsageError(`${what} takes either ${KUBERNETES_SOURCE} or files and directories, not both`);
  const documents = cluster ? await clusterDocuments(kube, deps) : (await deps.loadPolicyDocuments(sources)).documents;
  const parsed = parsePolicyDocuments(documents);
  for (const p of parsed.problems) deps.warn(`problem: ${formatProblem(p)}\n`);
  return parsed;
}

function clusterDocuments(kube: KubeFlags, deps: PolicySetDeps): Promise<readonly SourceDocument[]> {
  if (deps.loadKubernetesDocuments === undefined) throw new UsageError(`${KUBERNETES_SOURCE} is not available here`);
  return deps.loadKubernetesDocuments({
    ...(kube.kubeconfig === undefined ? {} : { kubeconfig: kube.kubeconfig }),
    ...(kube.context === undefined ? {} : { context: kube.context }),
  });
}
