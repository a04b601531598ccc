/** A request to the Kubernetes API failed: a status other than 200, or no usable answer. */
export class KubernetesApiError extends Error {
  override readonly name = "KubernetesApiError";
  /** HTTP status, undefined when no response arrived (network error, abort, oversized body). */
  readonly statusCode: number | undefined;
  readonly path: string;

  constructor(message: string, details: { readonly path: string; readonly statusCode?: number; readonly cause?: unknown }) {
    super(message, { cause: details.cause });
    this.path = details.path;
    this.statusCode = details.statusCode;
  }
}

/** The kubeconfig could not be loaded or names no usable cluster/context. */
export class KubeConfigError extends Error {
  override readonly name = "KubeConfigError";
}

/** Whether an error from a list or watch says the resource does not exist on the server. */
export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

/** The HTTP status an error carries (ours or the client library's), undefined if none. */
export function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  if ("statusCode" in err && typeof err.statusCode === "number") return err.statusCode;
  if ("code" in err && typeof err.code === "number") return err.code;
  return undefined;
}

/**
 * A one-shot read of the cluster's policies did not complete: the API server could not be
 * reached, kept failing, or was too slow. The message names the server and the last failure.
 */
export class KubernetesSnapshotError extends Error {
  override readonly name = "KubernetesSnapshotError";
  /** The API server address from the kubeconfig. */
  readonly server: string;

  constructor(message: string, details: { readonly server: string }) {
    super(message);
    this.server = details.server;
  }
}
