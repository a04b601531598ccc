import type { Identity, ReservedEntity } from "../flows/index.js";
import type { ObservedIdentity } from "./graph-types.js";

/** An `identities` row as SELECTed by {@link IDENTITY_COLUMNS}. */
export interface IdentityRow {
  readonly id: number;
  readonly key: string;
  readonly kind: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly workload_kind: string;
  readonly name: string;
  readonly entity: string;
  readonly ip: string;
  readonly service_account: string;
  readonly labels: string;
  readonly namespace_labels: string;
  readonly cilium_labels: string;
  readonly dns_names: string;
  readonly pod: string;
  readonly first_seen: number;
  readonly last_seen: number;
}

/** The column list matching {@link IdentityRow}. */
export const IDENTITY_COLUMNS =
  "id, key, kind, cluster, namespace, workload_kind, name, entity, ip, service_account, labels, namespace_labels, cilium_labels, dns_names, pod, first_seen, last_seen";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringRecord(text: string): Readonly<Record<string, string>> {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

function stringArray(text: string): readonly string[] {
  const value = parseJson(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

const ENTITIES: ReadonlySet<string> = new Set<ReservedEntity>([
  "world", "host", "remote-node", "kube-apiserver", "health", "ingress", "init", "unmanaged", "unknown",
]);

function isEntity(text: string): text is ReservedEntity {
  return ENTITIES.has(text);
}

/** The identity a stored row describes. */
export function identityFromRow(row: IdentityRow): ObservedIdentity {
  const identity: Identity =
    row.kind === "workload"
      ? {
          kind: "workload", key: row.key, cluster: row.cluster, namespace: row.namespace, workloadKind: row.workload_kind,
          name: row.name, labels: stringRecord(row.labels), namespaceLabels: stringRecord(row.namespace_labels),
          serviceAccount: row.service_account, ciliumLabels: stringArray(row.cilium_labels),
        }
      : {
          kind: "reserved", key: row.key, entity: isEntity(row.entity) ? row.entity : "unknown", ip: row.ip,
          dnsNames: stringArray(row.dns_names), ciliumLabels: stringArray(row.cilium_labels),
          ...(row.pod === "" ? {} : { pod: row.pod }),
        };
  return { identity, firstSeenMs: row.first_seen, lastSeenMs: row.last_seen };
}

/** Parses stored sample JSON; an unreadable sample becomes an empty object. */
export function sampleFromText(text: string): Readonly<Record<string, unknown>> {
  const value = parseJson(text);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}; // checked just before
}
