import { parseCidr, cidrWithin, type Cidr } from "../cidr.js";
import {
  CILIUM_ENTITIES,
  type CidrRuleSpec,
  type CiliumPeerRuleSpec,
  type FqdnSelectorSpec,
  type PathedEntity,
  type PathedSelector,
  type UnsupportedSpec,
} from "../spec/cilium-policy.js";
import type { Direction } from "../spec/policy-id.js";
import { parseFqdnSelector } from "./parse-fqdn.js";
import { parseIcmps } from "./parse-icmps.js";
import { parseLabelSelector } from "./parse-label-selector.js";
import { parseToPorts } from "./parse-cilium-ports.js";
import { get, isObject, join, type JsonObject, type Reader } from "./reader.js";

/** L3 peer fields the model does not evaluate, per direction. */
const UNSUPPORTED_PEERS: Readonly<Record<Direction, readonly string[]>> = {
  ingress: ["fromNodes", "fromGroups"],
  egress: ["toServices", "toGroups", "toNodes"],
};
/** Fields that narrow every other rule of the subject, or that add conditions we do not model. */
const UNSUPPORTED_CONSTRAINTS: Readonly<Record<Direction, readonly string[]>> = {
  ingress: ["fromRequires", "authentication"],
  egress: ["toRequires", "authentication"],
};

/**
 * Parses one entry of ingress / ingressDeny / egress / egressDeny. Returns `undefined`
 * (after reporting) when any part is invalid, so the whole entry is dropped rather than
 * loaded with a narrower L3 part than written (which could widen it to "any peer").
 */
export function parseCiliumPeerRule(
  reader: Reader,
  value: unknown,
  path: string,
  at: { readonly direction: Direction; readonly deny: boolean; readonly index: number },
): CiliumPeerRuleSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const before = reader.problems.length;
  const from = at.direction === "ingress" ? "from" : "to";
  const endpoints = selectors(reader, value, `${from}Endpoints`, path);
  const entities = readEntities(reader, value, `${from}Entities`, path);
  const cidrGroups: UnsupportedSpec[] = [];
  const cidrs = readCidrs(reader, value, { from, path, unsupported: cidrGroups });
  let fqdns: FqdnSelectorSpec[] | undefined;
  if (at.direction === "egress") {
    const list = reader.list(value, "toFQDNs", path);
    if (list !== undefined && at.deny) reader.report(join(path, "toFQDNs"), "toFQDNs is not allowed in egressDeny");
    fqdns = list?.map((f, i) => parseFqdnSelector(reader, f, join(join(path, "toFQDNs"), i))).filter((f) => f !== undefined);
    if (fqdns !== undefined && fqdns.length > 0 && (endpoints !== undefined || cidrs !== undefined || entities !== undefined)) {
      reader.report(join(path, "toFQDNs"), "toFQDNs cannot be combined with other L3 fields in one rule");
    }
  }
  const unsupportedPeers: UnsupportedSpec[] = UNSUPPORTED_PEERS[at.direction]
    .filter((f) => get(value, f) !== undefined && get(value, f) !== null)
    .map((f) => ({ construct: f, path: join(path, f) }))
    .concat(cidrGroups);
  const unsupportedConstraints: UnsupportedSpec[] = UNSUPPORTED_CONSTRAINTS[at.direction]
    .filter((f) => get(value, f) !== undefined && get(value, f) !== null)
    .map((f) => ({ construct: f, path: join(path, f) }));
  const portList = reader.list(value, "toPorts", path);
  const toPorts = portList === undefined ? undefined : parseToPorts(reader, portList, { path: join(path, "toPorts"), allowL7: !at.deny, direction: at.direction });
  const icmpList = reader.list(value, "icmps", path);
  // Cilium's rule validation (pkg/policy/api/rule_validation.go, errUnsupportedICMPWithToPorts)
  // rejects an allow or deny rule with both a non-empty icmps and a non-empty toPorts:
  // "the ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts".
  if (icmpList !== undefined && icmpList.length > 0 && portList !== undefined && portList.length > 0) {
    reader.report(join(path, "icmps"), "icmps cannot be combined with toPorts in one rule (Cilium rejects it: write a separate rule for toPorts)");
  }
  const icmps = icmpList === undefined ? undefined : parseIcmps(reader, icmpList, join(path, "icmps"));
  if (reader.problems.length > before || (portList !== undefined && toPorts === undefined)) return undefined;
  return {
    path,
    index: at.index,
    endpoints,
    entities,
    cidrs,
    fqdns,
    toPorts: toPorts?.ports,
    icmps,
    unsupportedPeers,
    unsupportedConstraints: [...unsupportedConstraints, ...(toPorts?.unsupported ?? [])],
  };
}

function selectors(reader: Reader, obj: JsonObject, key: string, path: string): PathedSelector[] | undefined {
  const list = reader.list(obj, key, path);
  if (list === undefined) return undefined;
  const out: PathedSelector[] = [];
  list.forEach((s, i) => {
    const p = join(join(path, key), i);
    const selector = parseLabelSelector(reader, s, p);
    if (selector !== undefined) out.push({ path: p, selector });
  });
  return out;
}

function readEntities(reader: Reader, obj: JsonObject, key: string, path: string): PathedEntity[] | undefined {
  const list = reader.list(obj, key, path);
  if (list === undefined) return undefined;
  const out: PathedEntity[] = [];
  list.forEach((e, i) => {
    const p = join(join(path, key), i);
    const entity = CILIUM_ENTITIES.find((x) => x === e);
    if (entity === undefined) reader.report(p, `unknown entity ${JSON.stringify(e)} (want one of ${CILIUM_ENTITIES.join(", ")})`);
    else out.push({ path: p, entity });
  });
  return out;
}

function readCidrs(
  reader: Reader,
  obj: JsonObject,
  at: { readonly from: "from" | "to"; readonly path: string; readonly unsupported: UnsupportedSpec[] },
): CidrRuleSpec[] | undefined {
  const { from, path } = at;
  const plain = reader.list(obj, `${from}CIDR`, path);
  const sets = reader.list(obj, `${from}CIDRSet`, path);
  if (plain === undefined && sets === undefined) return undefined;
  const out: CidrRuleSpec[] = [];
  plain?.forEach((c, i) => {
    const p = join(join(path, `${from}CIDR`), i);
    const cidr = typeof c === "string" ? parseCidr(c, true) : undefined;
    if (cidr === undefined) reader.report(p, `${JSON.stringify(c)} is not a valid CIDR`);
    else out.push({ path: p, cidr, except: [] });
  });
  sets?.forEach((s, i) => {
    const p = join(join(path, `${from}CIDRSet`), i);
    if (!isObject(s)) {
      reader.report(p, "must be an object");
      return;
    }
    if (get(s, "cidrGroupRef") !== undefined || get(s, "cidrGroupSelector") !== undefined) {
      // CiliumCIDRGroup objects are not loaded, so the prefixes behind the reference are unknown.
      at.unsupported.push({ construct: `${from}CIDRSet.cidrGroupRef`, path: p });
      return;
    }
    const text = reader.string(s, "cidr", p);
    const cidr = text === undefined ? undefined : parseCidr(text, true);
    if (cidr === undefined) {
      reader.report(join(p, "cidr"), `${JSON.stringify(text ?? null)} is not a valid CIDR`);
      return;
    }
    const except: Cidr[] = [];
    (reader.list(s, "except", p) ?? []).forEach((e, j) => {
      const ep = join(join(p, "except"), j);
      const ex = typeof e === "string" ? parseCidr(e, true) : undefined;
      if (ex === undefined) reader.report(ep, `${JSON.stringify(e)} is not a valid CIDR`);
      else if (!cidrWithin(ex, cidr)) reader.report(ep, `${ex.text} is not inside ${cidr.text}`);
      else except.push(ex);
    });
    out.push({ path: p, cidr, except });
  });
  return out;
}
