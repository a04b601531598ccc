import type { Logger } from "pino";
import type { SourceDocument } from "../../policy/index.js";
import { loadKubeConfig, takeKubernetesSnapshot } from "../../policy/sources/index.js";
import type { KubeConfigOptions } from "../../policy/sources/index.js";

/**
 * Lists the cluster's policies, Namespaces and Pods once. An API server that cannot be
 * reached or keeps failing ends the command after a few seconds of retries with a
 * KubernetesSnapshotError naming the server and the error (exit code 2).
 */
export function kubernetesDocuments(options: KubeConfigOptions, logger: Logger): Promise<readonly SourceDocument[]> {
  return takeKubernetesSnapshot({ kubeConfig: loadKubeConfig(options), logger: logger.child({ module: "policy-source" }) });
}
