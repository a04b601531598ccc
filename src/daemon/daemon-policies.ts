import type { Logger } from "pino";
import { policySnapshotOf } from "../api/index.js";
import type { HealthCheck, PolicySnapshot } from "../api/index.js";
import { formatProblem } from "../policy/index.js";
import type { SemanticsName } from "../policy/index.js";
import { assertPolicyPathsUsable, formatFileProblem, loadKubeConfig, loadPolicyFiles, startKubernetesSource } from "../policy/sources/index.js";
import type { KubeConfigOptions, KubernetesSource } from "../policy/sources/index.js";

/** The `--policies` value that reads policies from the Kubernetes API. */
export const KUBERNETES_POLICIES = "k8s";

/** The daemon's policy model, kept current from files or the Kubernetes API. */
export interface DaemonPolicies {
  /** The latest snapshot; undefined until the first complete load. */
  current(): PolicySnapshot | undefined;
  /** Reads the files again (no-op for Kubernetes, which pushes changes). */
  reload(): Promise<void>;
  /** Readiness: loaded, and for Kubernetes the watches are synced. */
  check(): HealthCheck;
  /** A short description for logs and status (`kubernetes`, or the files). */
  readonly description: string;
  stop(): Promise<void>;
}

/** Options of {@link startDaemonPolicies}. */
export interface DaemonPoliciesOptions {
  /** `["k8s"]` or policy files and directories. */
  readonly sources: readonly string[];
  readonly semantics: SemanticsName;
  readonly kube: KubeConfigOptions;
  readonly log: Logger;
  /** Called after the Kubernetes source delivers a new set (the daemon re-audits); files change only on reload. */
  readonly onChange: () => void;
}

/**
 * Loads the policy model for the daemon. Files are read once now (problems logged, never
 * fatal: a bad policy is skipped, the rest load; but a named path that is missing or unreadable
 * throws a PolicyPathError, so the daemon does not start on fewer policies than it was given)
 * and again on every {@link DaemonPolicies.reload}, where such a path is only a logged problem;
 * `k8s` starts list/watch informers on NetworkPolicies, Cilium policies, Namespaces and Pods
 * and rebuilds the model on every change.
 */
export async function startDaemonPolicies(options: DaemonPoliciesOptions): Promise<DaemonPolicies> {
  const { log } = options;
  let snapshot: PolicySnapshot | undefined;
  let reported = "";
  // Problems and counts are logged when they change, not on every reload.
  const report = (next: PolicySnapshot, fileProblems: readonly string[]): void => {
    const lines = [...fileProblems, ...next.parsed.problems.map(formatProblem)];
    const key = `${policyCount(next)}\n${lines.join("\n")}`;
    if (key === reported) return;
    reported = key;
    for (const problem of lines) log.warn({ problem }, "policy problem");
    log.info({ policies: policyCount(next), origin: next.origin, problems: lines.length }, "policy model loaded");
  };
  if (options.sources.length === 1 && options.sources[0] === KUBERNETES_POLICIES) {
    const source: KubernetesSource = startKubernetesSource({
      kubeConfig: loadKubeConfig(options.kube),
      logger: log.child({ module: "policy-source" }),
      onChange: (documents) => {
        snapshot = policySnapshotOf(documents, { origin: "kubernetes", semantics: options.semantics, nowMs: Date.now(), sourceProblems: 0 });
        report(snapshot, []);
        options.onChange();
      },
    });
    return {
      current: () => snapshot,
      reload: () => Promise.resolve(),
      description: "kubernetes",
      check: () => {
        const state = source.state();
        // The reason is public (/readyz is unauthenticated): the failing kind, not the API server's
        // address or its error text; those are in the log and /status.
        if (snapshot === undefined) return { name: "policies", ok: false, reason: state.lastError ? `listing ${state.lastError.kind} objects from the Kubernetes API failed; the log has the error` : "listing policies from the Kubernetes API" };
        return { name: "policies", ok: true, reason: `${policyCount(snapshot)} policies from the Kubernetes API${state.synced ? "" : " (some watches are re-listing)"}` };
      },
      stop: () => source.stop(),
    };
  }
  let empty = "";
  const load = async (stage: "start" | "reload"): Promise<void> => {
    const loaded = await loadPolicyFiles(options.sources);
    // At start a missing path stops the daemon; later (a ConfigMap being remounted) it is a problem like any other.
    if (stage === "start") assertPolicyPathsUsable(loaded);
    const { documents, problems } = loaded;
    if (loaded.emptyDirectories.join("\n") !== empty) {
      empty = loaded.emptyDirectories.join("\n");
      for (const directory of loaded.emptyDirectories) log.warn({ directory }, "no policy files (*.yaml, *.yml, *.json) in this directory");
    }
    snapshot = policySnapshotOf(documents, { origin: "files", semantics: options.semantics, nowMs: Date.now(), sourceProblems: problems.length });
    report(snapshot, problems.map((p) => formatFileProblem(p).replace(/^problem: /, "").trim()));
  };
  await load("start");
  return {
    current: () => snapshot,
    reload: () => load("reload"),
    description: options.sources.join(", "),
    check: () => ({ name: "policies", ok: snapshot !== undefined, reason: snapshot === undefined ? "loading policy files" : `${policyCount(snapshot)} policies from files` }),
    stop: () => Promise.resolve(),
  };
}

function policyCount(snapshot: PolicySnapshot): number {
  return snapshot.parsed.networkPolicies.length + snapshot.parsed.ciliumPolicies.length;
}
