import type { KubernetesObject } from "@kubernetes/client-node";
import type { KindDefinition } from "./watched-kind.js";

/** An object as kept in an informer cache: identity plus only the fields the policy model reads. */
export interface CachedObject extends KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: CachedMetadata;
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** The metadata fields kept; a structural subset of the library's `V1ObjectMeta`. */
export interface CachedMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: CachedOwnerReference[];
}

/** An owner reference as kept; `uid` is empty when the server sent none. */
export interface CachedOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

type Json = Readonly<Record<string, unknown>>;

/** Top-level policy fields not copied: identity is rebuilt from the definition, status is never read. */
const DROPPED_POLICY_FIELDS = new Set(["status", "metadata", "apiVersion", "kind"]);

/**
 * Reduces an object from the API server to what the policy model needs, so a cache of every pod
 * in a large cluster stays small. Returns undefined for something that is not an object with a
 * name (it cannot be cached or referenced).
 *
 * List responses omit `apiVersion` and `kind` on their items, so both are set from the definition.
 * Policies keep their whole spec; managed fields, the last-applied annotation (a second copy of the
 * policy) and status (Cilium writes per-node enforcement status there) are dropped. Pods keep name,
 * namespace, labels and owner references, `spec.hostNetwork` (host-network pods take the node's
 * identity in Cilium, so policies do not select them), container and init container names and ports
 * (named ports),
 * and `status.phase` and `status.podIPs` (to resolve flows by IP; a finished pod's IP may be reused).
 */
export function toCachedObject(definition: KindDefinition, raw: unknown): CachedObject | undefined {
  if (!isJson(raw) || !isJson(raw.metadata) || typeof raw.metadata.name !== "string") return undefined;
  const metadata = toMetadata(raw.metadata, raw.metadata.name, definition.kind !== "Pod" && definition.kind !== "Namespace");
  const base = { apiVersion: definition.apiVersion, kind: definition.kind, metadata };
  switch (definition.kind) {
    case "Pod":
      return { ...base, spec: podSpec(raw.spec), status: podStatus(raw.status) };
    case "Namespace":
      return base;
    case "NetworkPolicy":
    case "CiliumNetworkPolicy":
    case "CiliumClusterwideNetworkPolicy": {
      const rest = Object.entries(raw).filter(([field]) => !DROPPED_POLICY_FIELDS.has(field));
      return { ...Object.fromEntries(rest), ...base };
    }
    default: {
      const unknownKind: never = definition.kind;
      throw new Error(`no cache shape for kind ${String(unknownKind)}`);
    }
  }
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function toMetadata(raw: Json, name: string, keepAnnotations: boolean): CachedMetadata {
  const metadata: CachedMetadata = { name };
  if (typeof raw.namespace === "string") metadata.namespace = raw.namespace;
  if (typeof raw.uid === "string") metadata.uid = raw.uid;
  // The informer resumes its watch from the resourceVersion of the last object it saw.
  if (typeof raw.resourceVersion === "string") metadata.resourceVersion = raw.resourceVersion;
  if (typeof raw.generation === "number") metadata.generation = raw.generation;
  const labels = stringRecord(raw.labels);
  if (labels !== undefined) metadata.labels = labels;
  const annotations = keepAnnotations ? stringRecord(raw.annotations, LAST_APPLIED) : undefined;
  if (annotations !== undefined) metadata.annotations = annotations;
  const owners = ownerReferences(raw.ownerReferences);
  if (owners !== undefined) metadata.ownerReferences = owners;
  return metadata;
}

function podSpec(raw: unknown): Json {
  if (!isJson(raw)) return {};
  const initContainers = containersOf(raw.initContainers);
  return {
    ...(raw.hostNetwork === true ? { hostNetwork: true } : {}),
    containers: containersOf(raw.containers),
    // Named ports resolve over init (sidecar) containers too.
    ...(initContainers.length > 0 ? { initContainers } : {}),
  };
}

function containersOf(raw: unknown): Json[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJson).map((c) => ({
    ...(typeof c.name === "string" ? { name: c.name } : {}),
    ...(Array.isArray(c.ports) ? { ports: c.ports.filter(isJson).map(containerPort) } : {}),
  }));
}

function containerPort(raw: Json): Json {
  const { name, containerPort: port, protocol } = raw;
  return { name, containerPort: port, protocol };
}

function podStatus(raw: unknown): Json {
  if (!isJson(raw)) return {};
  const podIPs = Array.isArray(raw.podIPs)
    ? raw.podIPs.filter(isJson).flatMap((p) => (typeof p.ip === "string" ? [{ ip: p.ip }] : []))
    : [];
  return { ...(typeof raw.phase === "string" ? { phase: raw.phase } : {}), podIPs };
}

function ownerReferences(raw: unknown): CachedOwnerReference[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.filter(isJson).flatMap((o) => {
    const { apiVersion, kind, name, uid, controller } = o;
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string") return [];
    return [{ apiVersion, kind, name, uid: typeof uid === "string" ? uid : "", ...(controller === true ? { controller } : {}) }];
  });
}

function stringRecord(raw: unknown, omit?: string): Record<string, string> | undefined {
  if (!isJson(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === "string" && key !== omit) out[key] = value;
  }
  return out;
}

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
