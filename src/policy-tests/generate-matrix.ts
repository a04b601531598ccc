import type { Identity } from "../flows/index.js";
import type { ObservedEdge, ObservedGraph } from "../graph/index.js";
import { MATRIX_ENTITIES } from "./matrix.js";

/** A case of a generated matrix, in the shape a matrix file holds. */
export interface GeneratedCase {
  readonly from: string;
  readonly to: string;
  /** A port, or the ICMP type of an ICMP case. */
  readonly port: number;
  readonly protocol: "TCP" | "UDP" | "SCTP" | "ICMP" | "ICMPv6";
  readonly expect: "allow" | "deny";
}

/** Options of {@link generateMatrix}. */
export interface GenerateOptions {
  /** The most deny probes to write. */
  readonly maxDenyProbes: number;
}

/** The default of {@link GenerateOptions.maxDenyProbes}. */
export const DEFAULT_MAX_DENY_PROBES = 100;

// Verdicts under which a connection did not get through, or passed only because a policy was
// in audit mode (it would have been denied): such traffic is not "observed allowed", as
// `recommend` does not allow it by default either.
const NOT_ALLOWED = new Set(["DROPPED", "ERROR", "AUDIT"]);

function allowedTraffic(edge: ObservedEdge): number {
  let n = edge.existing;
  for (const counts of [edge.connectionsByVerdict, edge.requestsByVerdict]) for (const [verdict, count] of Object.entries(counts)) if (!NOT_ALLOWED.has(verdict)) n += count;
  return n;
}

/** How a matrix names an identity; `undefined` for identities a matrix cannot name (unknown peers). */
export function matrixName(identity: Identity): string | undefined {
  if (identity.kind === "workload") return `${identity.namespace}/${identity.name}`;
  if (identity.entity === "world" && identity.ip !== "") return `ip:${identity.ip}`;
  return (MATRIX_ENTITIES as readonly string[]).includes(identity.entity) ? `entity:${identity.entity}` : undefined;
}

function protocolOf(protocol: ObservedEdge["protocol"]): GeneratedCase["protocol"] | undefined {
  switch (protocol) {
    case "TCP":
    case "UDP":
    case "SCTP":
    case "ICMPv6":
      return protocol;
    case "ICMPv4":
      return "ICMP";
    case "OTHER":
      return undefined;
    default: {
      const never: never = protocol;
      throw new Error(`unknown protocol ${String(never)}`);
    }
  }
}

function compare(a: GeneratedCase, b: GeneratedCase): number {
  const ka = `${a.from}\u0000${a.to}\u0000${a.protocol}`;
  const kb = `${b.from}\u0000${b.to}\u0000${b.protocol}`;
  return ka < kb ? -1 : ka > kb ? 1 : a.port - b.port;
}

/**
 * A matrix from observed traffic: every (identity, identity, protocol, port) that carried
 * allowed traffic in the window is an allow case; then deny probes, for lateral movement
 * between workloads: a workload reaching a port another workload serves (to someone) on which
 * it was never seen reaching it (over any protocol). Probes are ordered by source, destination, protocol and port
 * and cut at `maxDenyProbes`, so the same graph always gives the same file.
 */
export function generateMatrix(graph: ObservedGraph, options: GenerateOptions): readonly GeneratedCase[] {
  const byKey = new Map(graph.identities.map((o) => [o.identity.key, o.identity]));
  const allowed = new Map<string, GeneratedCase>();
  /** Destination workload name → the (protocol, port) it serves. */
  const served = new Map<string, Map<string, { protocol: GeneratedCase["protocol"]; port: number }>>();
  for (const edge of graph.edges) {
    const source = byKey.get(edge.source);
    const destination = byKey.get(edge.destination);
    const protocol = protocolOf(edge.protocol);
    if (source === undefined || destination === undefined || protocol === undefined || allowedTraffic(edge) === 0) continue;
    const from = matrixName(source);
    const to = matrixName(destination);
    if (from === undefined || to === undefined) continue;
    const c: GeneratedCase = { from, to, port: edge.port, protocol, expect: "allow" };
    allowed.set(`${from}\u0000${to}\u0000${protocol}\u0000${edge.port}`, c);
    if (destination.kind === "workload" && protocol !== "ICMP" && protocol !== "ICMPv6") {
      const ports = served.get(to) ?? new Map<string, { protocol: GeneratedCase["protocol"]; port: number }>();
      ports.set(`${protocol}/${edge.port}`, { protocol, port: edge.port });
      served.set(to, ports);
    }
  }
  // A port the source reached over any protocol is not probed: DNS, say, is allowed over UDP and TCP alike.
  const reached = new Set([...allowed.values()].map((c) => `${c.from}\u0000${c.to}\u0000${c.port}`));
  const workloads = [...new Set(graph.identities.filter((o) => o.identity.kind === "workload").map((o) => matrixName(o.identity) ?? ""))].sort();
  const probes: GeneratedCase[] = [];
  for (const from of workloads) {
    for (const to of workloads) {
      if (from === to) continue;
      for (const { protocol, port } of served.get(to)?.values() ?? []) {
        if (!reached.has(`${from}\u0000${to}\u0000${port}`)) probes.push({ from, to, port, protocol, expect: "deny" });
      }
    }
  }
  return [...[...allowed.values()].sort(compare), ...probes.sort(compare).slice(0, options.maxDenyProbes)];
}
