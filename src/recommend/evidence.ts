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

/** Evidence of a set of ports, merged. */
export function evidenceOf(ports: readonly PlannedPort[]): RuleEvidence {
  const first = ports[0]?.evidence ?? { connections: 0, requests: 0, existing: 0, firstSeenMs: 0, lastSeenMs: 0 };
  return ports.slice(1).reduce((acc, p) => mergeEvidence(acc, p.evidence), first);
}

/**
 * The annotation of rule `index` of a direction: key `evidence.hubble-auditor.io/<direction>-<index>`,
 * value naming the peers, the connection count and the first and last sighting, e.g.
 * `shop/api TCP/8080: 12 connections, 30 requests, first 2026-01-01T00:00:00Z, last 2026-01-02T10:00:00Z`.
 * Requests and sightings of connections opened before observation began appear when there were any.
 */
export function evidenceAnnotation(direction: "ingress" | "egress", index: number, peers: string, ports: readonly PlannedPort[]): [string, string] {
  const e = evidenceOf(ports);
  const portText = [...new Set(ports.map((p) => `${p.protocol}/${p.port}`))].join(" ");
  const counts = [`${e.connections} connections`];
  if (e.requests > 0) counts.push(`${e.requests} requests`);
  if (e.existing > 0) counts.push(`${e.existing} sightings of open connections`);
  return [`${EVIDENCE_PREFIX}/${direction}-${index}`, `${peers} ${portText}: ${counts.join(", ")}, first ${iso(e.firstSeenMs)}, last ${iso(e.lastSeenMs)}`];
}
