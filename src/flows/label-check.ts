import { dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem } from "./k8s-names.js";
import { CLUSTER_LABEL, NAMESPACE_LABEL_PREFIX, POD_NAMESPACE_LABEL, SERVICE_ACCOUNT_LABEL, parseCiliumLabel } from "./labels.js";

// Cilium label sources are short lower-case words (pkg/labels: k8s, reserved, cidr, fqdn,
// unspec, any, container, cilium-generated, ...).
const SOURCE = /^[a-z][-a-z0-9]*$/;

// fqdn: labels (pkg/policy/api FQDNSelector.IdentityLabel) carry a matchName or matchPattern:
// a DNS name whose labels may be or contain '*'. RFC 1035 caps a name at 253 characters
// (the pattern may add one wildcard label).
const FQDN = /^[-A-Za-z0-9_.*]{1,255}$/;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

// RFC 4291 section 2.2 text forms: eight groups, one "::" for a run of zero groups, and an
// IPv4 address in place of the last two groups.
function isIpv6(text: string): boolean {
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  let count = groups.length;
  const last = groups[groups.length - 1];
  if (last?.includes(".") === true) {
    if (!isIpv4(last)) return false;
    groups.pop();
    count += 1;
  }
  if (!groups.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Why a `cidr:` label key is not a prefix; undefined when it is one. Cilium writes the
 * masked address and its length (pkg/labels/cidr.go, maskedIPToLabel), with each ':' of an
 * IPv6 address as '-' (':' separates the source) and a '0' added where that would put a
 * '-' first or last: `10.0.0.0/8`, `2001-db8--0/32`, `0--0/0`.
 */
function cidrKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const address = slash < 0 ? key : key.slice(0, slash);
  const bits = slash < 0 ? "" : key.slice(slash + 1);
  const v4 = isIpv4(address);
  const v6 = !v4 && /^[-0-9a-fA-F.]+$/.test(address) && isIpv6(address.replaceAll("-", ":"));
  if (!v4 && !v6) return "a cidr label's key is an IPv4 or IPv6 prefix (':' written as '-')";
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (v4 ? 32 : 128)) return `a cidr label's prefix length is 0 to ${v4 ? 32 : 128}`;
  return undefined;
}

/** Why the value of a k8s label is wrong for its key; the labels Cilium derives from names carry those names. */
function k8sValueProblem(key: string, value: string): string | undefined {
  switch (key) {
    case POD_NAMESPACE_LABEL:
      return dns1123LabelProblem(value);
    case SERVICE_ACCOUNT_LABEL:
      return dns1123SubdomainProblem(value);
    case CLUSTER_LABEL:
      return clusterNameProblem(value);
    default:
      return labelValueProblem(value);
  }
}

/**
 * Why `name` is not a Cilium cluster name; undefined when it is one (or empty, not
 * reported). Cilium (pkg/clustermesh/types ValidateClusterName) takes lower-case
 * alphanumerics and '-', starting and ending with an alphanumeric: a DNS-1123 label.
 */
export function clusterNameProblem(name: string): string | undefined {
  return name === "" ? undefined : dns1123LabelProblem(name);
}

/**
 * Why a Cilium label string (`source:key=value`) is not one Cilium could have written;
 * undefined when it is fine. The key and value after the source are checked by source:
 * - `reserved:` names an entity (world, world-ipv4, kube-apiserver, ...): a DNS-1123 label;
 * - `cidr:` carries a prefix (see cidrKeyProblem) and no value;
 * - `fqdn:` carries a DNS name or pattern;
 * - every other source (k8s above all) carries a Kubernetes label: the key a qualified
 *   name (IsQualifiedName), the value a label value (IsValidLabelValue), except that
 *   namespace labels (`io.cilium.k8s.namespace.labels.<key>`) are checked on their own key,
 *   and the labels Cilium derives from names carry a valid name of that kind: the
 *   namespace, the service account (DNS-1123 subdomain) and the cluster.
 */
export function ciliumLabelProblem(label: string): string | undefined {
  const colon = label.indexOf(":");
  const eq = label.indexOf("=");
  if (colon >= 0 && (eq < 0 || colon < eq) && !SOURCE.test(label.slice(0, colon))) return "a label source is a lower-case word";
  const { source, key, value } = parseCiliumLabel(label);
  switch (source) {
    case "reserved": {
      const bad = dns1123LabelProblem(key);
      return bad === undefined ? labelValueProblem(value) : `a reserved label names an entity, a ${bad}`;
    }
    case "cidr":
      return value === "" ? cidrKeyProblem(key) : "a cidr label has no value";
    case "fqdn":
      return FQDN.test(key) ? undefined : "an fqdn label's key is a DNS name or pattern";
    default: {
      const own = key.startsWith(NAMESPACE_LABEL_PREFIX) ? key.slice(NAMESPACE_LABEL_PREFIX.length) : key;
      return labelKeyProblem(own) ?? k8sValueProblem(key, value);
    }
  }
}
