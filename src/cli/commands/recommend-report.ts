import type { Recommendation } from "../../recommend/index.js";

function ratio(value: number | undefined): string {
  return value === undefined ? "n/a" : value.toFixed(2);
}

/** The human summary `recommend` prints on stderr: counts, warnings, replay and over-permission per kind. */
export function recommendationSummary(r: Recommendation): string {
  const lines = [`${r.policies.length} policies from ${r.traffic} observed edges`];
  for (const [kind, v] of Object.entries(r.validation)) {
    const o = v.permissions.overPermission;
    const w = v.permissions.world;
    lines.push(
      `${kind}: replayed ${v.replayed} edges, ${v.expectedDrops.length} drops of traffic it cannot express (see warnings), none otherwise`,
      `${kind}: over-permission ratio ${ratio(o.ratio)} (${o.allowed} allowed / ${o.used} used workload triples${o.skipped === undefined ? "" : ", skipped: too many candidates"}); non-workload peers ${ratio(o.peers.ratio)}, open to unobserved internet addresses: ${o.peers.openToWorld} egress, ${o.peers.openFromWorld} ingress`,
      `${kind}: world rules: ${w.cidrRules} CIDRs covering ${w.addressesCovered} addresses for ${w.addressesObserved} observed, ${w.fqdnNames} FQDN names`,
    );
  }
  for (const w of r.warnings) lines.push(`warning: ${w.policy === undefined ? "" : `${w.policy}: `}${w.message}`);
  return `${lines.join("\n")}\n`;
}
