import type { OverPermission } from "../../audit/index.js";
import { windowLine } from "../../graph/index.js";
import type { Recommendation } from "../../recommend/index.js";

function ratio(value: number | undefined): string {
  return value === undefined ? "n/a" : value.toFixed(2);
}

/** `2 workloads left out and 1 policy that would deny observed traffic`. */
export function refusalCount(r: Recommendation): string {
  const left = new Set(r.refusals.filter((x) => x.outcome === "left-out").map((x) => `${x.kind}|${x.subject}`)).size;
  const breaks = new Set(r.refusals.filter((x) => x.outcome === "breaks-traffic").map((x) => `${x.kind}|${x.subject}`)).size;
  const parts = [
    ...(left > 0 ? [`${left} workload or namespace polic${left === 1 ? "y" : "ies"} left out`] : []),
    ...(breaks > 0 ? [`${breaks} polic${breaks === 1 ? "y" : "ies"} that would deny observed traffic`] : []),
  ];
  return parts.join(" and ");
}

/**
 * The human summary `recommend` prints on stderr: counts; per kind the replay of the
 * window's flows (what `simulate` of the same flows through the set would deny), the
 * over-permission ratio overall and per namespace, and the world rules; then refusals and
 * warnings.
 */
export function recommendationSummary(r: Recommendation): string {
  const clusters = r.clusters.length > 1 ? ` in ${r.clusters.length} clusters (${r.clusters.join(", ")}; policies are split per cluster)` : "";
  const lines = [windowLine(r.window).trimEnd(), `${r.policies.length} policies from ${r.traffic} observed edges${clusters}`];
  for (const [kind, v] of Object.entries(r.validation)) {
    const o = v.permissions.overPermission;
    const w = v.permissions.world;
    const expected = [...new Set(v.drops.map((d) => d.expected ?? "unexpected"))];
    lines.push(
      `${kind}: replayed ${v.flows} forwarded flows of the window: ${v.denied} denied${v.denied > 0 ? ` (${expected.join("; ")})` : ""}${v.unknownDirection > 0 ? `; ${v.unknownDirection} records of unknown direction not judged` : ""}`,
      `${kind}: over-permission ratio ${ratio(o.ratio)} (${o.allowed} allowed / ${o.used} used workload triples, a new pod per namespace among the candidates), ${ratio(o.explicitRatio)} by the rules alone (as under default-deny); non-workload peers ${ratio(o.peers.ratio)}, open to unobserved internet addresses: ${o.peers.openToWorld} egress, ${o.peers.openFromWorld} ingress`,
      ...namespaceRatios(kind, o),
      `${kind}: world rules: ${w.cidrRules} CIDRs covering ${w.addressesCovered} addresses for ${w.addressesObserved} observed, ${w.fqdnNames} FQDN names`,
    );
  }
  for (const x of r.refusals) lines.push(`refused (${x.kind}, ${x.outcome === "left-out" ? "left out" : "would deny observed traffic"}): ${x.subject}: ${x.reason}`);
  for (const w of r.warnings) lines.push(`warning: ${w.policy === undefined ? "" : `${w.policy}: `}${w.message}`);
  return `${lines.join("\n")}\n`;
}

function namespaceRatios(kind: string, o: OverPermission): string[] {
  if (o.byNamespace.length === 0) return [];
  return [`${kind}: over-permission per namespace: ${o.byNamespace.map((n) => `${n.namespace} ${ratio(n.ratio)} (${n.allowed}/${n.used})`).join(", ")}`];
}
