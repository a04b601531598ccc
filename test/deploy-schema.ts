import * as k8s from "@kubernetes/client-node";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

/**
 * Manifest validation for the deploy test: the OpenAPI schemas of kubernetes-models (types,
 * required fields, enums, formats) and, for core kinds, unknown-field detection like
 * `kubectl --validate=strict`, from the attribute maps of @kubernetes/client-node's models.
 */

type Validator = (object: unknown) => void;

// Each model copies the data and validates it against its schema on demand; it throws a
// message listing what is wrong. The casts hand untrusted YAML to a constructor that checks it.
const SCHEMAS: Readonly<Record<string, { validate: Validator; clientModel?: string }>> = {
  "v1/Namespace": { validate: (o) => { new Namespace(o as Namespace).validate(); }, clientModel: "V1Namespace" },
  "v1/ServiceAccount": { validate: (o) => { new ServiceAccount(o as ServiceAccount).validate(); }, clientModel: "V1ServiceAccount" },
  "v1/Service": { validate: (o) => { new Service(o as Service).validate(); }, clientModel: "V1Service" },
  "v1/PersistentVolumeClaim": { validate: (o) => { new PersistentVolumeClaim(o as PersistentVolumeClaim).validate(); }, clientModel: "V1PersistentVolumeClaim" },
  "apps/v1/Deployment": { validate: (o) => { new Deployment(o as Deployment).validate(); }, clientModel: "V1Deployment" },
  "networking.k8s.io/v1/NetworkPolicy": { validate: (o) => { new NetworkPolicy(o as NetworkPolicy).validate(); }, clientModel: "V1NetworkPolicy" },
  "rbac.authorization.k8s.io/v1/ClusterRole": { validate: (o) => { new ClusterRole(o as ClusterRole).validate(); }, clientModel: "V1ClusterRole" },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": { validate: (o) => { new ClusterRoleBinding(o as ClusterRoleBinding).validate(); }, clientModel: "V1ClusterRoleBinding" },
  "monitoring.coreos.com/v1/ServiceMonitor": { validate: (o) => { new ServiceMonitor(o as ConstructorParameters<typeof ServiceMonitor>[0]).validate(); } },
  "monitoring.coreos.com/v1/PrometheusRule": { validate: (o) => { new PrometheusRule(o as ConstructorParameters<typeof PrometheusRule>[0]).validate(); } },
};

/** Kinds {@link validateManifest} knows, as `apiVersion/kind`. */
export const VALIDATED_KINDS: readonly string[] = Object.keys(SCHEMAS);

/** Problems of one manifest; empty when valid. Unknown kinds are a problem too. */
export function validateManifest(object: unknown): string[] {
  if (typeof object !== "object" || object === null) return ["not an object"];
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown }; // fields read only to pick the schema
  const key = `${String(apiVersion)}/${String(kind)}`;
  const schema = SCHEMAS[key];
  if (!schema) return [`no schema for ${key}`];
  const problems: string[] = [];
  try {
    schema.validate(object);
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  if (schema.clientModel) problems.push(...unknownFields(object, schema.clientModel, ""));
  return problems;
}

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}

function attributesOf(type: string): readonly Attribute[] | undefined {
  const model: unknown = (k8s as Record<string, unknown>)[type];
  if (typeof model !== "function" || !("getAttributeTypeMap" in model) || typeof model.getAttributeTypeMap !== "function") return undefined;
  return (model.getAttributeTypeMap as () => Attribute[])(); // the generated models' static accessor
}

/** Fields the generated model of `type` does not have, recursively, as JSON paths. */
export function unknownFields(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1] !== undefined) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1] ?? "", `${path}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) {
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([key, v]) => unknownFields(v, map[1] ?? "", `${path}.${key}`));
  }
  const attributes = attributesOf(type);
  if (!attributes || typeof value !== "object" || value === null || Array.isArray(value)) return [];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) problems.push(`${path === "" ? "" : `${path}.`}${key}: unknown field of ${type}`);
    else problems.push(...unknownFields(v, attribute.type, path === "" ? key : `${path}.${key}`));
  }
  return problems;
}
