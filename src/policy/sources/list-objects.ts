import type { KubeConfig } from "@kubernetes/client-node";
import { getJson } from "./api-request.js";
import { KubernetesApiError } from "./kubernetes-errors.js";

/** Options for {@link listObjects}. */
export interface ListObjectsRequest {
  readonly kubeConfig: KubeConfig;
  readonly path: string;
  /** Objects asked for per page (the API's `limit`). */
  readonly pageSize: number;
  readonly maxPageBytes: number;
  /** Limit on connecting to the server, per page. */
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** Every item of a collection, untrusted, and the resourceVersion to start watching from. */
export interface ListedObjects {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
}

/** Bound on pages per list, so a server that keeps returning `continue` cannot loop forever. */
const MAX_PAGES = 10_000;

/**
 * Lists a whole collection, following `metadata.continue`. All pages of one paginated list are
 * served from the same snapshot, so the last page's resourceVersion is the one to watch from; an
 * expired continue token is a 410 and the caller starts over.
 */
export async function listObjects(req: ListObjectsRequest): Promise<ListedObjects> {
  const items: unknown[] = [];
  let token = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: String(req.pageSize) });
    if (token !== "") query.set("continue", token);
    const path = `${req.path}?${query.toString()}`;
    const body = await getJson({ kubeConfig: req.kubeConfig, path, maxResponseBytes: req.maxPageBytes, connectTimeoutMs: req.connectTimeoutMs, signal: req.signal });
    const list = asList(body);
    if (list === undefined) throw new KubernetesApiError(`GET ${path}: response is not a list`, { path, statusCode: 200 });
    items.push(...list.items);
    if (list.continueToken === "") return { items, resourceVersion: list.resourceVersion };
    token = list.continueToken;
  }
  throw new KubernetesApiError(`GET ${req.path}: more than ${MAX_PAGES} pages`, { path: req.path });
}

function asList(body: unknown): { items: unknown[]; resourceVersion: string; continueToken: string } | undefined {
  if (typeof body !== "object" || body === null || !("items" in body)) return undefined;
  const items = body.items === null ? [] : body.items; // an empty list may be serialized as null
  if (!Array.isArray(items)) return undefined;
  const metadata = "metadata" in body && typeof body.metadata === "object" && body.metadata !== null ? body.metadata : {};
  const resourceVersion = "resourceVersion" in metadata && typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : "";
  const continueToken = "continue" in metadata && typeof metadata.continue === "string" ? metadata.continue : "";
  return { items, resourceVersion, continueToken };
}
