import type { Identity, WorkloadIdentity } from "../flows/index.js";
import type { ObservedGraph } from "../graph/index.js";
import { identityOf, indexIdentities, namespaceOf } from "./endpoints.js";
import { newPodsOf } from "./permission-candidates.js";
import type { PortElement } from "./permission-ports.js";
import type { Layout } from "./permission-summary.js";
import { edgeTraffic, isUsed, portText } from "./traffic.js";

/** A used workload-to-workload triple as observed. */
export interface UsedEdge {
  readonly source: WorkloadIdentity;
  readonly destination: WorkloadIdentity;
  /** Port element text, e.g. `TCP/80`. */
  readonly text: string;
}

/** What the count needs from a graph: candidates, port elements and used triples. */
export interface Observation {
  readonly layout: Layout;
  readonly reserved: readonly Identity[];
  /** Sorted by text. */
  readonly elements: readonly PortElement[];
  /** Used workload-to-workload triples, whatever the namespace. */
  readonly used: readonly UsedEdge[];
  /** Used triples between a workload and a non-workload peer with an end in the namespace (all when none given). */
  readonly usedPeer: number;
}

const PORTED = new Set(["TCP", "UDP", "SCTP"]);

/**
 * Reads the candidates and ports of a graph. Ports are TCP/UDP/SCTP (protocol, port)
 * pairs of any edge whatever its verdict: towards workloads (counted for triples into
 * workloads) or towards other peers (counted for triples out to them); a triple is
 * used when its edge carried traffic that got through.
 */
export function observeGraph(graph: ObservedGraph, namespace: string | undefined): Observation {
  const index = indexIdentities(graph);
  const workloads = graph.identities.map((o) => o.identity).filter((i): i is WorkloadIdentity => i.kind === "workload");
  const reserved = graph.identities.map((o) => o.identity).filter((i) => i.kind === "reserved");
  const elements = new Map<string, { protocol: string; port: number; workload: boolean; world: boolean }>();
  const used = new Map<string, UsedEdge>();
  const usedPeer = new Set<string>();
  for (const edge of graph.edges) {
    if (!PORTED.has(edge.protocol)) continue;
    const source = identityOf(index, edge.source);
    const destination = identityOf(index, edge.destination);
    const text = portText(edge.protocol, edge.port);
    let element = elements.get(text);
    if (element === undefined) elements.set(text, (element = { protocol: edge.protocol, port: edge.port, workload: false, world: false }));
    if (destination.kind === "workload") element.workload = true;
    else element.world = true;
    if (!isUsed(edgeTraffic(edge))) continue;
    const triple = `${edge.source}|${edge.destination}|${text}`;
    if (source.kind === "workload" && destination.kind === "workload") used.set(triple, { source, destination, text });
    else if ((source.kind === "workload" || destination.kind === "workload") && (namespace === undefined || [source, destination].some((e) => namespaceOf(e) === namespace))) {
      usedPeer.add(triple);
    }
  }
  return {
    layout: layoutOf(workloads, reserved.length),
    reserved,
    elements: [...elements.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([text, e]) => ({ ...e, text })),
    used: [...used.values()],
    usedPeer: usedPeer.size,
  };
}

/** Candidate pods grouped by namespace (its workloads, then its new pod), with their counting groups. */
function layoutOf(workloads: readonly WorkloadIdentity[], reserved: number): Layout {
  const newPods = newPodsOf(workloads);
  const namespaces = newPods.map((p) => p.namespace);
  const at = new Map(namespaces.map((ns, i) => [ns, i]));
  const pods: WorkloadIdentity[] = [];
  const groupOf: number[] = [];
  const byNamespace = namespaces.map((): WorkloadIdentity[] => []);
  for (const w of workloads) byNamespace[at.get(w.namespace) ?? 0]?.push(w);
  byNamespace.forEach((list, i) => {
    for (const w of list) {
      pods.push(w);
      groupOf.push(2 * i);
    }
    const fresh = newPods[i];
    if (fresh !== undefined) {
      pods.push(fresh);
      groupOf.push(2 * i + 1);
    }
  });
  const reservedGroup = 2 * namespaces.length;
  return { namespaces, pods, groupOf, workloads: workloads.length, reserved, reservedGroup, probeGroup: reservedGroup + 1 };
}
