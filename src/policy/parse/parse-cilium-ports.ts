import type {
  CiliumPortSpec,
  CiliumProtocol,
  FqdnSelectorSpec,
  HttpRuleSpec,
  L7RulesSpec,
  PortRuleSpec,
  UnsupportedSpec,
} from "../spec/cilium-policy.js";
import { parseFqdnSelector } from "./parse-fqdn.js";
import { readEndPort, readPort } from "./parse-port.js";
import { compileRe2 } from "../regex.js";
import { get, isObject, join, type JsonObject, type Reader } from "./reader.js";

const PROTOCOLS: readonly CiliumProtocol[] = ["TCP", "UDP", "SCTP", "ICMP", "ICMPv6", "ANY"];

/** Port-level fields the model does not evaluate; reported when a flow reaches them. */
const UNSUPPORTED_PORT_FIELDS = ["listener", "serverNames", "terminatingTLS", "originatingTLS"] as const;

/** Where a `toPorts` list sits: deny rules (PortDenyRule) have no `rules`; DNS rules are egress-only. */
export interface ToPortsContext {
  readonly path: string;
  readonly allowL7: boolean;
  readonly direction: "ingress" | "egress";
}

/**
 * Parses `toPorts`. Returns `undefined` when any entry is invalid: a rule with a
 * partly-read port list could allow ports its author did not list.
 */
export function parseToPorts(
  reader: Reader,
  list: readonly unknown[],
  ctx: ToPortsContext,
): { ports: PortRuleSpec[]; unsupported: UnsupportedSpec[] } | undefined {
  const { path, allowL7 } = ctx;
  const ports: PortRuleSpec[] = [];
  const unsupported: UnsupportedSpec[] = [];
  const state = { ok: true };
  list.forEach((item, i) => {
    const p = join(path, i);
    if (!isObject(item)) {
      reader.report(p, "must be an object");
      state.ok = false;
      return;
    }
    for (const f of UNSUPPORTED_PORT_FIELDS) if (get(item, f) !== undefined) unsupported.push({ construct: f, path: join(p, f) });
    const entries: CiliumPortSpec[] = [];
    (reader.list(item, "ports", p) ?? []).forEach((port, j) => {
      const parsed = parsePortProtocol(reader, port, join(join(p, "ports"), j));
      if (parsed === undefined) state.ok = false;
      else entries.push(parsed);
    });
    const rules = reader.object(item, "rules", p);
    let l7: L7RulesSpec | undefined;
    if (rules !== undefined) {
      if (!allowL7) {
        reader.report(join(p, "rules"), "deny rules cannot have L7 rules");
        state.ok = false;
        return;
      }
      l7 = parseL7(reader, rules, join(p, "rules"));
      if (l7 === undefined || !l7Allowed(reader, { l7, ports: entries, path: p, direction: ctx.direction })) state.ok = false;
    }
    ports.push({ path: p, ports: entries, l7 });
  });
  return state.ok ? { ports, unsupported } : undefined;
}

function parsePortProtocol(reader: Reader, value: unknown, path: string): CiliumPortSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const protocolText = reader.string(value, "protocol", path) ?? "ANY";
  const protocol = PROTOCOLS.find((p) => p === protocolText);
  if (protocol === undefined) {
    reader.report(join(path, "protocol"), `unsupported protocol "${protocolText}" (want TCP, UDP, SCTP, ICMP, ICMPv6 or ANY)`);
    return undefined;
  }
  const raw = readPort(reader, get(value, "port"), join(path, "port"), { allowNumericString: true, min: 0 });
  if (raw === null) return undefined;
  // "0" (or no port) means every port of the protocol.
  const port = raw === 0 ? undefined : raw;
  const endPort = readEndPort(reader, get(value, "endPort"), port, join(path, "endPort"), true);
  if (endPort === null) return undefined;
  return { path, port, endPort, protocol };
}

function parseL7(reader: Reader, rules: JsonObject, path: string): L7RulesSpec | undefined {
  const http = reader.list(rules, "http", path);
  const dns = reader.list(rules, "dns", path);
  const kinds = [http, dns].filter((x) => x !== undefined).length;
  if (get(rules, "kafka") !== undefined) return { kind: "unsupported", path: join(path, "kafka"), construct: "rules.kafka" };
  if (get(rules, "l7proto") !== undefined || get(rules, "l7") !== undefined) {
    return { kind: "unsupported", path: join(path, "l7proto"), construct: "rules.l7proto" };
  }
  if (kinds > 1) {
    reader.report(path, "only one kind of L7 rules (http or dns) may be set per port rule");
    return undefined;
  }
  if (http !== undefined) {
    const parsed = http.map((h, i) => parseHttp(reader, h, join(join(path, "http"), i)));
    if (parsed.some((h) => h === undefined)) return undefined;
    return { kind: "http", path: join(path, "http"), rules: parsed.filter((h): h is HttpRuleSpec => h !== undefined) };
  }
  if (dns !== undefined) {
    const parsed = dns.map((d, i) => parseFqdnSelector(reader, d, join(join(path, "dns"), i)));
    if (parsed.some((d) => d === undefined)) return undefined;
    return { kind: "dns", path: join(path, "dns"), rules: parsed.filter((d): d is FqdnSelectorSpec => d !== undefined) };
  }
  reader.report(path, "rules must contain http or dns rules");
  return undefined;
}

function regexField(reader: Reader, obj: JsonObject, key: string, path: string): string | undefined | null {
  const text = reader.string(obj, key, path);
  if (text === undefined) return get(obj, key) === undefined || get(obj, key) === null ? undefined : null;
  const compiled = compileRe2(text);
  if (compiled.kind === "problem") {
    reader.report(join(path, key), compiled.message);
    return null;
  }
  return text;
}

function parseHttp(reader: Reader, value: unknown, path: string): HttpRuleSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const method = regexField(reader, value, "method", path);
  const urlPath = regexField(reader, value, "path", path);
  const host = regexField(reader, value, "host", path);
  if (method === null || urlPath === null || host === null) return undefined;
  const headers: { name: string; value: string | undefined }[] = [];
  const unsupported: UnsupportedSpec[] = [];
  const state = { ok: true };
  (reader.list(value, "headers", path) ?? []).forEach((h, i) => {
    if (typeof h !== "string" || h.trim() === "") {
      reader.report(join(join(path, "headers"), i), "must be a header name, optionally followed by ': value'");
      state.ok = false;
      return;
    }
    // Cilium splits at the first space: "X-Key: true" needs X-Key with the exact value
    // "true"; a single word only needs the header to be present.
    const space = h.indexOf(" ");
    headers.push(space < 0 ? { name: h, value: undefined } : { name: h.slice(0, space).replace(/:+$/, ""), value: h.slice(space + 1) });
  });
  (reader.list(value, "headerMatches", path) ?? []).forEach((m, i) => {
    const p = join(join(path, "headerMatches"), i);
    const name = isObject(m) ? reader.string(m, "name", p) : undefined;
    if (!isObject(m) || name === undefined) {
      reader.report(p, "headerMatches entries need a name");
      state.ok = false;
      return;
    }
    if (get(m, "mismatch") !== undefined || get(m, "secret") !== undefined) unsupported.push({ construct: "headerMatches", path: p });
    else headers.push({ name, value: reader.string(m, "value", p) ?? "" });
  });
  return state.ok ? { path, method, urlPath, host, headers, unsupported } : undefined;
}

/**
 * Cilium's PortRule validation of L7 rules: DNS rules only on egress; L7 rules need
 * explicit non-zero ports; HTTP (and other non-DNS) rules only on TCP ports. ANY is
 * accepted here, as the proxy only ever sees TCP for HTTP.
 */
function l7Allowed(
  reader: Reader,
  at: { readonly l7: L7RulesSpec; readonly ports: readonly CiliumPortSpec[]; readonly path: string; readonly direction: "ingress" | "egress" },
): boolean {
  const rulesPath = join(at.path, "rules");
  if (at.l7.kind === "dns" && at.direction === "ingress") {
    reader.report(join(rulesPath, "dns"), "DNS rules are not allowed on ingress");
    return false;
  }
  if (at.ports.length === 0 || at.ports.some((p) => p.port === undefined)) {
    reader.report(join(at.path, "ports"), "L7 rules need explicit, non-zero ports");
    return false;
  }
  const notTcp = at.ports.find((p) => p.protocol !== "TCP" && p.protocol !== "ANY");
  if (at.l7.kind !== "dns" && notTcp !== undefined) {
    reader.report(join(notTcp.path, "protocol"), `L7 rules apply only to TCP (not ${notTcp.protocol}), except DNS rules`);
    return false;
  }
  return true;
}
