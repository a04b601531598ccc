import type { ObservedTraffic, PermissionReport, RecommendedPolicy } from "./types.js";
import { cidrSize } from "./world-cidr.js";

function collect(value: unknown, into: { cidrs: Set<string>; names: Set<string> }, parent: string): void {
  if (Array.isArray(value)) {
    for (const v of value) {
      if (typeof v === "string" && (parent === "toCIDR" || parent === "fromCIDR")) into.cidrs.add(v);
      else collect(v, into, parent);
    }
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === "cidr" && typeof v === "string") into.cidrs.add(v);
    else if (key === "matchName" && typeof v === "string" && parent === "toFQDNs") into.names.add(v);
    else collect(v, into, Array.isArray(value) ? parent : key);
  }
}

/** What the world rules of a set cover: distinct CIDRs and the addresses in them, versus world addresses observed; FQDN names. */
export function worldStats(policies: readonly RecommendedPolicy[], traffic: readonly ObservedTraffic[]): PermissionReport["world"] {
  const found = { cidrs: new Set<string>(), names: new Set<string>() };
  for (const p of policies) collect(p.object, found, "");
  const observed = new Set<string>();
  for (const t of traffic) {
    for (const end of [t.source, t.destination]) if (end.kind === "reserved" && end.entity === "world" && end.ip !== "") observed.add(end.ip);
  }
  return {
    cidrRules: found.cidrs.size,
    addressesCovered: [...found.cidrs].reduce((n, c) => n + cidrSize(c), 0),
    addressesObserved: observed.size,
    fqdnNames: found.names.size,
  };
}
