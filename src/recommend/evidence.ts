import { mergeEvidence } from "./plan.js";
import type { PlannedPort } from "./plan.js";
import type { RuleEvidence } from "./types.js";

/** Prefix of the annotations that carry each rule's evidence. */
export const EVIDENCE_PREFIX = "evidence.hubble-auditor.io";
/** Label put on every generated policy, so they can be listed and pruned together. */
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "hubble-auditor" } as const;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

function portText(p: PlannedPort): string {
  return p.protocol === "ICMPv4" || p.protocol === "ICMPv6" ? `${p.protocol}/type-${p.port}` : `${p.protocol}/${p.port}`;
}

/**
 * Evidence of a set of observed ports, merged over the observed traffic they stand for,
 * each edge once (peers of one rule may share an edge: a workload in two clusters);
 * undefined when every port was added.
 */
export function evidenceOf(ports: readonly PlannedPort[]): RuleEvidence | undefined {
  const seen = ports.filter((p) => p.evidence.added === undefined);
  const traffic = [...new Set(seen.flatMap((p) => p.traffic))];
  const parts: RuleEvidence[] = traffic.length > 0
    ? traffic.map((t) => ({ connections: t.connections, requests: t.requests, existing: t.existing, audited: t.audited, dropped: t.dropped, firstSeenMs: t.firstSeenMs, lastSeenMs: t.lastSeenMs }))
    : seen.map((p) => p.evidence);
  const [first, ...rest] = parts;
  return first === undefined ? undefined : rest.reduce((acc, e) => mergeEvidence(acc, e), first);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The annotation of rule `index` of a direction: key `evidence.hubble-auditor.io/<direction>-<index>`,
 * value naming the peers, the ports and what was observed on them, e.g.
 * `shop/api TCP/8080: 12 connections, 30 requests, first 2026-01-01T00:00:00Z, last 2026-01-02T10:00:00Z`.
 * Requests, sightings of connections opened before observation, and included AUDIT or
 * dropped connections appear when there were any; ports added rather than observed (the
 * TCP companion of DNS, the DNS proxy's upstream leg) are named with why they were added.
 */
export function evidenceAnnotation(direction: "ingress" | "egress", index: number, peers: string, ports: readonly PlannedPort[]): [string, string] {
  const observed = ports.filter((p) => p.evidence.added === undefined);
  const addedPorts = ports.filter((p) => p.evidence.added !== undefined);
  const parts: string[] = [];
  const e = evidenceOf(ports);
  if (e !== undefined) {
    const counts = [count(e.connections, "connection", "connections")];
    if (e.requests > 0) counts.push(count(e.requests, "request", "requests"));
    if (e.existing > 0) counts.push(count(e.existing, "sighting of an open connection", "sightings of open connections"));
    if (e.audited > 0) counts.push(`including ${e.audited} with an AUDIT verdict (a policy in audit mode would deny them; allowed by --include-audit)`);
    if (e.dropped > 0) counts.push(`including ${e.dropped} dropped (allowed by --include-drops)`);
    parts.push(`${[...new Set(observed.map(portText))].join(" ")}: ${counts.join(", ")}, first ${iso(e.firstSeenMs)}, last ${iso(e.lastSeenMs)}`);
  }
  // Distinct port texts per reason, in first-seen order; a DNS server's rule adds a port per client.
  const reasons = new Map<string, Set<string>>();
  for (const p of addedPorts) {
    const why = p.evidence.added ?? "";
    const list = reasons.get(why);
    if (list === undefined) reasons.set(why, new Set([portText(p)]));
    else list.add(portText(p));
  }
  for (const [why, list] of reasons) parts.push(`added ${[...list].join(" ")}: ${why}`);
  return [`${EVIDENCE_PREFIX}/${direction}-${index}`, `${peers} ${parts.join("; ")}`];
}
