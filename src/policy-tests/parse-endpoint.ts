import { dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem, quoted } from "../flows/index.js";
import { parseCidr, parseIp } from "../policy/index.js";
import { MATRIX_ENTITIES, type MatrixEndpoint, type MatrixEntity } from "./matrix.js";

/** An endpoint parsed from a matrix, with its text for reports; or what is wrong with it. */
export type EndpointParse = { readonly ok: true; readonly endpoint: MatrixEndpoint; readonly text: string } | { readonly ok: false; readonly message: string };

const FORMS = "ns/workload, {namespace, labels}, ip:A.B.C.D, cidr:PREFIX/BITS, fqdn:NAME or entity:NAME";

function isEntity(name: string): name is MatrixEntity {
  return (MATRIX_ENTITIES as readonly string[]).includes(name);
}

function fail(message: string): EndpointParse {
  return { ok: false, message };
}

/**
 * Reads one end of a case: a string in one of the prefixed forms or `ns/workload` (a bare IP
 * address is read as `ip:`), or a `{namespace, labels}` object.
 */
export function parseMatrixEndpoint(value: unknown): EndpointParse {
  if (typeof value === "string") return parseEndpointText(value.trim());
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return parseLabelsEndpoint(value as Readonly<Record<string, unknown>>);
  return fail(`must be ${FORMS}`);
}

function parseEndpointText(text: string): EndpointParse {
  const colon = text.indexOf(":");
  const prefix = colon > 0 ? text.slice(0, colon) : "";
  const rest = text.slice(colon + 1);
  switch (prefix) {
    case "ip":
      return parseIp(rest) === undefined ? fail(`${quoted(rest)} is not an IP address`) : { ok: true, endpoint: { kind: "ip", ip: rest }, text };
    case "cidr":
      return parseCidr(rest) === undefined ? fail(`${quoted(rest)} is not a CIDR prefix such as 10.0.0.0/8`) : { ok: true, endpoint: { kind: "cidr", cidr: rest }, text };
    case "fqdn": {
      const name = rest.endsWith(".") ? rest.slice(0, -1).toLowerCase() : rest.toLowerCase();
      const problem = dns1123SubdomainProblem(name);
      return problem === undefined ? { ok: true, endpoint: { kind: "fqdn", name }, text } : fail(`${quoted(rest)} is not a DNS name (${problem})`);
    }
    case "entity":
      return isEntity(rest) ? { ok: true, endpoint: { kind: "entity", entity: rest }, text } : fail(`unknown entity ${quoted(rest)}; one of ${MATRIX_ENTITIES.join(", ")}`);
    default:
      break;
  }
  if (parseIp(text) !== undefined) return { ok: true, endpoint: { kind: "ip", ip: text }, text: `ip:${text}` };
  const parts = text.split("/");
  if (parts.length !== 2 || colon >= 0) return fail(`must be ${FORMS}, got ${quoted(text)}`);
  const [namespace = "", name = ""] = parts;
  const nsProblem = dns1123LabelProblem(namespace);
  if (nsProblem !== undefined) return fail(`${quoted(namespace)} is not a valid namespace name (${nsProblem})`);
  const nameProblem = dns1123SubdomainProblem(name);
  if (nameProblem !== undefined) return fail(`${quoted(name)} is not a valid workload name (${nameProblem})`);
  return { ok: true, endpoint: { kind: "workload", namespace, name }, text };
}

function parseLabelsEndpoint(value: Readonly<Record<string, unknown>>): EndpointParse {
  const unknownKey = Object.keys(value).find((k) => k !== "namespace" && k !== "labels");
  if (unknownKey !== undefined) return fail(`unknown field ${quoted(unknownKey)}; an endpoint object has namespace and labels`);
  const { namespace, labels } = value;
  if (typeof namespace !== "string") return fail("namespace: must be a namespace name");
  const nsProblem = dns1123LabelProblem(namespace);
  if (nsProblem !== undefined) return fail(`namespace: ${quoted(namespace)} is not a valid namespace name (${nsProblem})`);
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) return fail("labels: must be a map of label keys to values");
  const pairs: [string, string][] = [];
  for (const [key, v] of Object.entries(labels)) {
    if (typeof v !== "string") return fail(`labels.${key}: must be a string (quote values such as "true" or "1")`);
    const problem = labelKeyProblem(key) ?? labelValueProblem(v);
    if (problem !== undefined) return fail(`labels.${key}: ${problem}`);
    pairs.push([key, v]);
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = `${namespace}{${pairs.map(([k, v]) => `${k}=${v}`).join(",")}}`;
  return { ok: true, endpoint: { kind: "labels", namespace, labels: pairs }, text };
}
