import { KubeConfig } from "@kubernetes/client-node";
import { KubeConfigError } from "./kubernetes-errors.js";

/** Where to find the cluster. */
export interface KubeConfigOptions {
  /** Use the pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount`). */
  readonly inCluster?: boolean;
  /** Kubeconfig file; undefined means `$KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  readonly kubeconfig?: string;
  /** Context to use; undefined keeps the kubeconfig's current context. */
  readonly context?: string;
}

/**
 * Loads cluster access the way kubectl does. Throws {@link KubeConfigError} if the file cannot be
 * read, the context does not exist, or no cluster results.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.inCluster === true) config.loadFromCluster();
    else if (options.kubeconfig !== undefined) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (err) {
    const from = options.inCluster === true ? "in-cluster service account" : (options.kubeconfig ?? "default locations");
    throw new KubeConfigError(`cannot load kubeconfig from ${from}`, { cause: err });
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      throw new KubeConfigError(`kubeconfig has no context named "${options.context}"`);
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new KubeConfigError("kubeconfig names no current cluster");
  return config;
}
