/**
 * Kubernetes' name and label syntax, as k8s.io/apimachinery/pkg/util/validation checks it.
 * Each check returns undefined for a valid value, else the rule it breaks (for a message
 * that names the field and the value).
 */

// IsDNS1123Label: "a lowercase RFC 1123 label must consist of lower case alphanumeric
// characters or '-', and must start and end with an alphanumeric character", at most 63.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;

// IsDNS1123Subdomain: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric
// characters, '-' or '.', and must start and end with an alphanumeric character", at most
// 253; every dot-separated part is an RFC 1123 label.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MAX = 253;

// IsDNS1035Label: "a DNS-1035 label must consist of lower case alphanumeric characters or
// '-', start with an alphabetic character, and end with an alphanumeric character", at most 63.
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

// IsQualifiedName's name part (and IsValidLabelValue): "must consist of alphanumeric
// characters, '-', '_' or '.', and must start and end with an alphanumeric character", at most 63.
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_MAX = 63;
const LABEL_VALUE_MAX = 63;

/** Why `value` is not a DNS-1123 label (namespace names); undefined when it is one. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > DNS1123_LABEL_MAX) return `DNS-1123 label: at most ${DNS1123_LABEL_MAX} characters`;
  if (!DNS1123_LABEL.test(value)) return "DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}

/** Why `value` is not a DNS-1123 subdomain (pod, controller, service account names); undefined when it is one. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length > DNS1123_SUBDOMAIN_MAX) return `DNS-1123 subdomain: at most ${DNS1123_SUBDOMAIN_MAX} characters`;
  if (!DNS1123_SUBDOMAIN.test(value)) return "DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit";
  return undefined;
}

/**
 * Why `kind` is not a Kubernetes kind; undefined when it is one. A kind is CamelCase, and
 * apiextensions validation requires a custom resource's kind, lower-cased, to be a DNS-1035
 * label (built-in kinds such as ReplicaSet meet the same rule).
 */
export function kindProblem(kind: string): string | undefined {
  if (kind.length > DNS1123_LABEL_MAX || !DNS1035_LABEL.test(kind.toLowerCase())) {
    return "a kind, lower-cased, is a DNS-1035 label: letters, digits and '-', starting with a letter, at most 63 characters";
  }
  return undefined;
}

/**
 * Why `key` is not a label key; undefined when it is one. IsQualifiedName: an optional
 * prefix that is a DNS-1123 subdomain, a '/', then a name of at most 63 alphanumerics,
 * '-', '_' or '.', starting and ending with an alphanumeric. More than one '/' is invalid.
 */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "a label key has at most one '/'";
  const name = parts.length === 2 ? (parts[1] ?? "") : key;
  if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    if (prefix === "") return "a label key's prefix before '/' must not be empty";
    const bad = dns1123SubdomainProblem(prefix);
    if (bad !== undefined) return `a label key's prefix is a ${bad}`;
  }
  if (name === "") return "a label key's name must not be empty";
  if (name.length > QUALIFIED_NAME_MAX) return `a label key's name has at most ${QUALIFIED_NAME_MAX} characters`;
  if (!QUALIFIED_NAME.test(name)) return "a label key's name has letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/**
 * Why `value` is not a label value; undefined when it is one. IsValidLabelValue: empty, or
 * at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric.
 */
export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > LABEL_VALUE_MAX) return `a label value has at most ${LABEL_VALUE_MAX} characters`;
  if (!QUALIFIED_NAME.test(value)) return "a label value has letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** True when `value` is a DNS-1123 label. */
export function isDns1123Label(value: string): boolean {
  return dns1123LabelProblem(value) === undefined;
}

/** True when `value` is a DNS-1123 subdomain. */
export function isDns1123Subdomain(value: string): boolean {
  return dns1123SubdomainProblem(value) === undefined;
}

/** `value` quoted as JSON (control characters escaped), cut to a readable length, for messages. */
export function quoted(value: string): string {
  const text = JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return text;
}
