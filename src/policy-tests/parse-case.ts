import { icmpTypeCode } from "../policy/index.js";
import type { CaseField, MatrixCase, MatrixPort, MatrixProblem, MatrixProtocol } from "./matrix.js";
import { parseMatrixEndpoint } from "./parse-endpoint.js";

/** A case as written, before it is checked: field values and where each is. */
export interface RawCase {
  readonly fields: Readonly<Partial<Record<CaseField, unknown>>>;
  readonly file: string;
  /** The line of the case (a YAML item or a table row). */
  readonly line: number | undefined;
  readonly fieldLines: Readonly<Partial<Record<CaseField, number>>>;
  /** How the case is named in problems, e.g. `cases[2]`; fields are appended with a dot. */
  readonly path: string;
}

const PROTOCOLS: Readonly<Record<string, MatrixProtocol>> = { TCP: "TCP", UDP: "UDP", SCTP: "SCTP", ICMP: "ICMPv4", ICMPV4: "ICMPv4", ICMPV6: "ICMPv6" };
// IANA_SVC_NAME, what a named container port must be: 1-15 lowercase letters, digits and
// '-', at least one letter, no leading, trailing or double '-'.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

function protocolOf(value: unknown): Checked<MatrixProtocol> {
  const known = typeof value === "string" ? PROTOCOLS[value.trim().toUpperCase()] : undefined;
  if (known !== undefined) return { ok: true, value: known };
  return { ok: false, message: `must be TCP, UDP, SCTP, ICMP or ICMPv6${typeof value === "string" ? `, got "${value}"` : ""}` };
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** A TCP/UDP/SCTP port: a number, `first-last` or a named port. */
function parsePort(value: unknown): MatrixPort | string {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (text === undefined) return "must be a port number, a range such as 8000-8080, or a port name";
  const single = portNumber(text);
  if (single !== undefined) return { kind: "number", port: single };
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  if (range !== null) {
    const first = portNumber(range[1] ?? "");
    const last = portNumber(range[2] ?? "");
    if (first === undefined || last === undefined || last < first) return `range "${text}" must be first-last with 1 <= first <= last <= 65535`;
    return first === last ? { kind: "number", port: first } : { kind: "range", first, last };
  }
  if (text.length <= 15 && PORT_NAME.test(text)) return { kind: "name", name: text };
  return `must be a port number (1-65535), a range such as 8000-8080, or a port name, got "${text}"`;
}

/** An ICMP case's port is the ICMP type: a number 0-255 or Cilium's name for it; echo request when not given. */
function parseIcmpType(value: unknown, protocol: "ICMPv4" | "ICMPv6"): MatrixPort | string {
  if (value === undefined || value === "") return { kind: "icmp", type: protocol === "ICMPv4" ? 8 : 128 };
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return { kind: "icmp", type: Number(text) };
  const code = icmpTypeCode(protocol === "ICMPv4" ? "IPv4" : "IPv6", text);
  return code === undefined ? `an ${protocol} case's port is the ICMP type: 0-255 or a name such as EchoRequest, got "${text}"` : { kind: "icmp", type: code };
}

function expectOf(value: unknown): Checked<"allow" | "deny"> {
  const text = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (text === "allow" || text === "allowed") return { ok: true, value: "allow" };
  if (text === "deny" || text === "denied") return { ok: true, value: "deny" };
  return { ok: false, message: value === undefined ? "is required: allow or deny" : "must be allow or deny" };
}

/** A checked case, or what is wrong with it. */
export type CaseParse = { readonly ok: true; readonly case: MatrixCase } | { readonly ok: false; readonly problems: readonly MatrixProblem[] };

/**
 * Checks one case. Required: from, to, expect, and port except for ICMP. A port written
 * `80/TCP` also gives the protocol, which must then agree with the protocol field.
 */
export function parseCase(raw: RawCase): CaseParse {
  const problems: MatrixProblem[] = [];
  const problem = (field: CaseField, message: string): void => {
    const line = raw.fieldLines[field] ?? raw.line;
    problems.push({ file: raw.file, ...(line === undefined ? {} : { line }), field: `${raw.path}.${field}`, message });
  };
  const { fields } = raw;
  const ends = (["from", "to"] as const).map((field) => {
    if (fields[field] === undefined || fields[field] === "") {
      problem(field, "is required");
      return undefined;
    }
    const parsed = parseMatrixEndpoint(fields[field]);
    if (!parsed.ok) problem(field, parsed.message);
    return parsed.ok ? parsed : undefined;
  });
  let portValue = fields.port;
  let protocolValue = fields.protocol;
  const slashed = typeof portValue === "string" ? /^(.+)\/([A-Za-z0-9]+)$/.exec(portValue.trim()) : null;
  if (slashed !== null) {
    portValue = slashed[1];
    const written = protocolOf(slashed[2]);
    if (protocolValue === undefined || protocolValue === "") protocolValue = slashed[2];
    else if (JSON.stringify(protocolOf(protocolValue)) !== JSON.stringify(written)) problem("port", `says ${slashed[2] ?? ""} but the protocol field says ${JSON.stringify(protocolValue)}`);
  }
  const checkedProtocol = protocolValue === undefined || protocolValue === "" ? protocolOf("TCP") : protocolOf(protocolValue);
  if (!checkedProtocol.ok) problem("protocol", checkedProtocol.message);
  let port: MatrixPort | string = "unknown";
  const protocol = checkedProtocol.ok ? checkedProtocol.value : undefined;
  if (protocol === "ICMPv4" || protocol === "ICMPv6") port = parseIcmpType(portValue, protocol);
  else if (portValue === undefined || portValue === "") port = "is required (except for ICMP)";
  else port = parsePort(portValue);
  if (typeof port === "string" && protocol !== undefined) problem("port", port);
  const expect = expectOf(fields.expect);
  if (!expect.ok) problem("expect", expect.message);
  const name = fields.name;
  if (name !== undefined && (typeof name !== "string" || name.trim() === "" || name.length > 200)) problem("name", "must be a non-empty text of at most 200 characters");
  const [from, to] = ends;
  if (problems.length > 0 || from === undefined || to === undefined || typeof port === "string" || protocol === undefined || !expect.ok) return { ok: false, problems };
  const portText = port.kind === "icmp" ? `${protocol}/type ${port.type}` : `${portOf(port)}/${protocol}`;
  return { ok: true, case: {
    name: typeof name === "string" ? name.trim() : `${from.text} -> ${to.text} ${portText}`,
    named: typeof name === "string",
    from: from.endpoint,
    to: to.endpoint,
    port,
    protocol,
    expect: expect.value,
    text: { from: from.text, to: to.text, port: portText },
    at: { file: raw.file, ...(raw.line === undefined ? {} : { line: raw.line }) },
    fieldLines: raw.fieldLines,
    path: raw.path,
  } };
}

function portOf(port: MatrixPort): string {
  switch (port.kind) {
    case "number":
      return String(port.port);
    case "range":
      return `${port.first}-${port.last}`;
    case "name":
      return port.name;
    case "icmp":
      return String(port.type);
    default: {
      const never: never = port;
      throw new Error(`unknown port ${JSON.stringify(never)}`);
    }
  }
}
