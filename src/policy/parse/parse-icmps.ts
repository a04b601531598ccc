import type { IcmpFieldSpec, IcmpRuleSpec } from "../spec/cilium-policy.js";
import { ICMP_FAMILIES, icmpTypeCode, type IcmpFamily } from "../spec/icmp-types.js";
import { get, isObject, join, type Reader } from "./reader.js";

/** Cilium's limit on fields per `icmps` entry (policy API maxICMPFields, CRD MaxItems). */
const MAX_ICMP_FIELDS = 40;

/**
 * Parses `icmps` (IngressRule, EgressRule and their deny forms). Returns `undefined` when
 * any entry is invalid, so the caller drops the whole rule entry rather than loading it
 * with fewer ICMP types than written, and also for an empty list, which Cilium treats
 * as absent (its rule code tests `len(ICMPs) > 0`).
 *
 * Per field (policy API ICMPField): `family` is `IPv4` (the default when absent or
 * empty) or `IPv6`, exactly so written; `type` is required and is either a code 0-255
 * (a JSON number or a decimal string, as an int-or-string) or a type name of that family.
 * The agent accepts `icmps` only with its `enable-icmp-rules` option, which is on by
 * default; the model assumes the default.
 */
export function parseIcmps(reader: Reader, list: readonly unknown[], path: string): IcmpRuleSpec[] | undefined {
  if (list.length === 0) return undefined;
  const before = reader.problems.length;
  const out: IcmpRuleSpec[] = [];
  list.forEach((entry, i) => {
    const p = join(path, i);
    if (!isObject(entry)) {
      reader.report(p, "must be an object");
      return;
    }
    const fields = reader.list(entry, "fields", p) ?? [];
    if (fields.length > MAX_ICMP_FIELDS) {
      reader.report(join(p, "fields"), `more than ${MAX_ICMP_FIELDS} fields (Cilium allows at most ${MAX_ICMP_FIELDS} ICMP types per entry)`);
      return;
    }
    const parsed: IcmpFieldSpec[] = [];
    fields.forEach((field, j) => {
      const f = parseIcmpField(reader, field, join(join(p, "fields"), j));
      if (f !== undefined) parsed.push(f);
    });
    out.push({ path: p, fields: parsed });
  });
  return reader.problems.length > before ? undefined : out;
}

function parseIcmpField(reader: Reader, value: unknown, path: string): IcmpFieldSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const familyText = reader.string(value, "family", path);
  if (familyText === undefined && get(value, "family") !== undefined && get(value, "family") !== null) return undefined;
  const family = familyText === undefined || familyText === "" ? "IPv4" : ICMP_FAMILIES.find((f) => f === familyText);
  if (family === undefined) {
    reader.report(join(path, "family"), `unknown family ${JSON.stringify(familyText)} (want IPv4 or IPv6)`);
    return undefined;
  }
  const type = readIcmpType(reader, get(value, "type"), { path: join(path, "type"), family });
  return type === undefined ? undefined : { path, family, type };
}

function readIcmpType(reader: Reader, value: unknown, at: { readonly path: string; readonly family: IcmpFamily }): number | undefined {
  if (value === undefined || value === null) {
    reader.report(at.path, "type is required (an ICMP type 0-255 or its name)");
    return undefined;
  }
  if (typeof value === "number") return inRange(reader, value, at.path);
  if (typeof value !== "string") {
    reader.report(at.path, "must be an ICMP type number 0-255 or a type name");
    return undefined;
  }
  if (/^(0|[1-9][0-9]*)$/.test(value)) return inRange(reader, Number(value), at.path);
  const code = icmpTypeCode(at.family, value);
  if (code !== undefined) return code;
  const other: IcmpFamily = at.family === "IPv4" ? "IPv6" : "IPv4";
  const hint = icmpTypeCode(other, value) === undefined ? "" : ` (${value} is an ${other} type: set family: ${other})`;
  reader.report(at.path, `${JSON.stringify(value)} is neither an ICMP type 0-255 nor an ${at.family} type name Cilium knows${hint}`);
  return undefined;
}

function inRange(reader: Reader, n: number, path: string): number | undefined {
  if (Number.isInteger(n) && n >= 0 && n <= 255) return n;
  reader.report(path, `ICMP type ${n} is out of range 0-255`);
  return undefined;
}
