import type { CompiledPort, CompiledRule, NamedPort, SemanticsProfile } from "../policy/index.js";

/** A (protocol, port) of the count: dialled into a workload, towards a non-workload peer, or both. */
export interface PortElement {
  readonly protocol: string;
  readonly port: number;
  /** `TCP/80`. */
  readonly text: string;
  /** Counted for triples towards workloads (and from non-workload peers into them). */
  readonly workload: boolean;
  /** Counted for triples from workloads towards non-workload peers. */
  readonly world: boolean;
}

/**
 * Whether one port alternative of a rule admits a TCP/UDP/SCTP connection on `port`
 * towards a destination with `namedPorts`, at L3/L4 (L7 rules on the port count as
 * matching, as the evaluator does for connections without a request). Cases:
 * - the protocol must be the connection's, or ANY (TCP, UDP and SCTP); ICMP never matches;
 * - a NetworkPolicy SCTP port, or a NetworkPolicy endPort range, under a profile that
 *   does not support them is not evaluated, which never admits;
 * - no port: every port of the protocol; a range is inclusive;
 * - a named port resolves on the destination (same protocol unless ANY); an unknown
 *   destination or a missing name admits nothing.
 */
export function portAdmits(alt: CompiledPort, element: { readonly protocol: string; readonly port: number }, namedPorts: readonly NamedPort[] | undefined, profile: SemanticsProfile): boolean {
  const { protocol, port } = element;
  if (alt.protocol !== "ANY" && alt.protocol !== protocol) return false;
  if (alt.fromNetworkPolicy && alt.protocol === "SCTP" && profile.networkPolicySctp === "unsupported") return false;
  let lo = alt.port;
  let hi = alt.endPort ?? alt.port;
  if (alt.name !== undefined) {
    const hit = namedPorts?.find((n) => n.name === alt.name && (alt.protocol === "ANY" || n.protocol === alt.protocol));
    if (hit === undefined || (alt.protocol === "ANY" && hit.protocol !== protocol)) return false;
    lo = hit.port;
    hi = hit.port;
  }
  if (lo === undefined || hi === undefined) return true;
  if (port < lo || port > hi) return false;
  return !(alt.fromNetworkPolicy && alt.endPort !== undefined && profile.networkPolicyEndPort === "unsupported");
}

/** The element a named port alternative resolves to on a destination; `undefined` when none. */
export function namedTarget(alt: CompiledPort, namedPorts: readonly NamedPort[]): { protocol: string; port: number } | undefined {
  const hit = namedPorts.find((n) => n.name === alt.name && (alt.protocol === "ANY" || n.protocol === alt.protocol));
  return hit === undefined ? undefined : { protocol: alt.protocol === "ANY" ? hit.protocol : alt.protocol, port: hit.port };
}

/**
 * Elements grouped so that no rule tells two elements of a class apart: every port
 * alternative that does not name a port admits all of a class or none of it, and
 * every element a named port can resolve to is a class of its own. A port range costs
 * one class however wide it is.
 */
export interface PortClasses {
  readonly count: number;
  /** Class of each element. */
  readonly classOf: Int32Array;
  /** One element of each class. */
  readonly representative: readonly PortElement[];
  /** Elements of each class counted towards workloads. */
  readonly workloadWeight: Float64Array;
  /** Elements of each class counted towards non-workload peers. */
  readonly worldWeight: Float64Array;
}

/** What a rule's port list admits among the elements, from the alternatives that do not name a port. */
export function numericCoverage(rule: CompiledRule, elements: readonly PortElement[], profile: SemanticsProfile): Uint8Array {
  const out = new Uint8Array(elements.length);
  elements.forEach((e, i) => {
    if (rule.ports === undefined || rule.ports.some((alt) => alt.name === undefined && portAdmits(alt, e, undefined, profile))) out[i] = 1;
  });
  return out;
}

/** Partitions the elements by the coverages that distinguish them; `singletons` are elements named ports resolve to. */
export function portClasses(elements: readonly PortElement[], coverages: Iterable<Uint8Array>, singletons: ReadonlySet<number>): PortClasses {
  const signature = elements.map((_, i) => (singletons.has(i) ? `#${i}` : ""));
  const seen = new Set<string>();
  for (const c of coverages) {
    const key = c.join("");
    if (seen.has(key) || !c.includes(0) || !c.includes(1)) continue;
    seen.add(key);
    c.forEach((v, i) => {
      signature[i] = `${signature[i] ?? ""}${v}`;
    });
  }
  const byKey = new Map<string, number>();
  const classOf = new Int32Array(elements.length);
  const representative: PortElement[] = [];
  const workload: number[] = [];
  const world: number[] = [];
  elements.forEach((e, i) => {
    const key = signature[i] ?? "";
    let k = byKey.get(key);
    if (k === undefined) {
      k = representative.length;
      byKey.set(key, k);
      representative.push(e);
      workload.push(0);
      world.push(0);
    }
    classOf[i] = k;
    if (e.workload) workload[k] = (workload[k] ?? 0) + 1;
    if (e.world) world[k] = (world[k] ?? 0) + 1;
  });
  return { count: representative.length, classOf, representative, workloadWeight: Float64Array.from(workload), worldWeight: Float64Array.from(world) };
}
