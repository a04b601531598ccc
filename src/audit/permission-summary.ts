import type { WorkloadIdentity } from "../flows/index.js";
import type { NamespacePermission, OverPermission, PeerPermission } from "./over-permission.js";
import type { GroupCounts } from "./permission-count.js";
import type { OpaqueCounts } from "./permission-opaque.js";
import type { PortElement } from "./permission-ports.js";

/**
 * Where the candidates sit: pods (workloads and new pods) by namespace, each in a
 * counting group (`2i` the workloads of the i-th namespace, `2i + 1` its new pod), then
 * the reserved identities and the internet probe in groups of their own.
 */
export interface Layout {
  /** Sorted. */
  readonly namespaces: readonly string[];
  readonly pods: readonly WorkloadIdentity[];
  readonly groupOf: readonly number[];
  /** Observed workloads. */
  readonly workloads: number;
  /** Reserved identities seen. */
  readonly reserved: number;
  readonly reservedGroup: number;
  readonly probeGroup: number;
}

/** A used workload-to-workload triple and whether the policies allow it. */
export interface UsedTriple {
  readonly source: WorkloadIdentity;
  readonly destination: WorkloadIdentity;
  readonly allowed: boolean;
}

/** Everything the numbers are made of; `counts` undefined when the count was skipped. */
export interface SummaryInput {
  readonly layout: Layout;
  readonly elements: readonly PortElement[];
  readonly used: readonly UsedTriple[];
  /** Used triples with a non-workload peer, in scope. */
  readonly usedPeer: number;
  readonly scope: string | undefined;
  readonly counts: GroupCounts | undefined;
  /** What peers decided one by one add. */
  readonly opaque: OpaqueCounts;
}

function ratio(allowed: number, used: number, skipped: boolean): number | undefined {
  return used === 0 || skipped ? undefined : allowed / used;
}

/** The reported numbers, from the group counts. */
export function summarize(input: SummaryInput): OverPermission {
  const { layout } = input;
  const scopeIndex = input.scope === undefined ? undefined : layout.namespaces.indexOf(input.scope);
  const tally = usedTally(input);
  const sizes = namespaceSizes(layout);
  const byNamespace = layout.namespaces.flatMap((namespace, i) =>
    scopeIndex === undefined || scopeIndex === i ? [{ namespace, workloads: sizes.workloads[i] ?? 0, ...stats(input, tally, i, sizes) }] : [],
  );
  return {
    workloads: layout.workloads,
    newPods: layout.namespaces.length,
    ports: input.elements.filter((e) => e.workload).map((e) => e.text),
    ...stats(input, tally, scopeIndex, sizes),
    ...(input.counts === undefined ? { skipped: "too-many-candidates" as const } : {}),
    byNamespace,
    peers: peers(input, scopeIndex, sizes),
    evaluations: input.opaque.evaluations,
  };
}

type Stats = Omit<NamespacePermission, "namespace" | "workloads">;

/** Used (and used but denied) triples: in all, and per namespace with an end in it. */
interface UsedTally {
  readonly used: number;
  readonly denied: number;
  readonly usedIn: Float64Array;
  readonly deniedIn: Float64Array;
}

function usedTally(input: SummaryInput): UsedTally {
  const { namespaces } = input.layout;
  const at = new Map(namespaces.map((ns, i) => [ns, i]));
  const usedIn = new Float64Array(namespaces.length);
  const deniedIn = new Float64Array(namespaces.length);
  let denied = 0;
  for (const u of input.used) {
    const s = at.get(u.source.namespace) ?? -1;
    const d = at.get(u.destination.namespace) ?? -1;
    const ends = s === d ? [s] : [s, d];
    if (!u.allowed) denied++;
    for (const x of ends) {
      if (x < 0) continue;
      usedIn[x] = (usedIn[x] ?? 0) + 1;
      if (!u.allowed) deniedIn[x] = (deniedIn[x] ?? 0) + 1;
    }
  }
  return { used: input.used.length, denied, usedIn, deniedIn };
}

/** Whether a pod group belongs to namespace `x` (an index into `layout.namespaces`; `undefined`: every namespace, -1: none). */
function groupIn(g: number, x: number | undefined): boolean {
  return x === undefined || g >>> 1 === x;
}

/** Per namespace index: its workloads, and its pods (workloads and the new pod). */
interface NamespaceSizes {
  readonly workloads: Float64Array;
  readonly pods: Float64Array;
}

function namespaceSizes(layout: Layout): NamespaceSizes {
  const workloads = new Float64Array(layout.namespaces.length);
  const pods = new Float64Array(layout.namespaces.length);
  for (const g of layout.groupOf) {
    const x = g >>> 1;
    if (x >= layout.namespaces.length) continue;
    pods[x] = (pods[x] ?? 0) + 1;
    if (g === 2 * x) workloads[x] = (workloads[x] ?? 0) + 1;
  }
  return { workloads, pods };
}

/**
 * Numbers over the pod triples with an end in namespace `x` (undefined: every namespace).
 * For one namespace only the group pairs with an end in it are read (its two groups
 * against every group, each pair once), so all namespaces together cost namespaces² pairs.
 */
function stats(input: SummaryInput, tally: UsedTally, x: number | undefined, sizes: NamespaceSizes): Stats {
  const { layout, counts } = input;
  const skipped = counts === undefined;
  const podGroups = 2 * layout.namespaces.length;
  let allowed = 0;
  let explicitAllowed = 0;
  let newPodAllowed = 0;
  if (counts !== undefined) {
    const add = (gs: number, gd: number): void => {
      const a = counts.allowed[gs * counts.groups + gd] ?? 0;
      allowed += a;
      explicitAllowed += counts.explicit[gs * counts.groups + gd] ?? 0;
      if (gs % 2 === 1 || gd % 2 === 1) newPodAllowed += a;
    };
    if (x === undefined) {
      for (let gs = 0; gs < podGroups; gs++) for (let gd = 0; gd < podGroups; gd++) add(gs, gd);
    } else if (x >= 0) {
      for (const gs of [2 * x, 2 * x + 1]) for (let gd = 0; gd < podGroups; gd++) add(gs, gd);
      for (let gs = 0; gs < podGroups; gs++) {
        if (gs >>> 1 === x) continue;
        add(gs, 2 * x);
        add(gs, 2 * x + 1);
      }
    }
  }
  const used = x === undefined ? tally.used : (tally.usedIn[x] ?? 0);
  const denied = x === undefined ? tally.denied : (tally.deniedIn[x] ?? 0);
  const n = layout.pods.length;
  const nx = x === undefined ? n : (sizes.pods[x] ?? 0);
  const ports = input.elements.filter((e) => e.workload).length;
  return {
    candidates: (n * n - (n - nx) * (n - nx)) * ports,
    allowed, explicitAllowed, newPodAllowed, used,
    usedButDenied: skipped ? 0 : denied,
    ratio: ratio(allowed, used, skipped),
    explicitRatio: ratio(explicitAllowed, used, skipped),
  };
}

/** The non-workload part over the pods of namespace `x`. */
function peers(input: SummaryInput, x: number | undefined, sizes: NamespaceSizes): PeerPermission {
  const { layout, counts, opaque } = input;
  const podGroups = 2 * layout.namespaces.length;
  let allowed = opaque.allowed;
  let openToWorld = opaque.openToWorld;
  let openFromWorld = opaque.openFromWorld;
  if (counts !== undefined) {
    const at = (s: number, d: number): number => s * counts.groups + d;
    for (let g = 0; g < podGroups; g++) {
      if (!groupIn(g, x)) continue;
      allowed += (counts.allowedWorld[at(g, layout.reservedGroup)] ?? 0) + (counts.allowed[at(layout.reservedGroup, g)] ?? 0);
      openToWorld += counts.allowedWorld[at(g, layout.probeGroup)] ?? 0;
      openFromWorld += counts.allowed[at(layout.probeGroup, g)] ?? 0;
    }
  }
  const scoped = x === undefined ? layout.pods.length : (sizes.pods[x] ?? 0);
  const world = input.elements.filter((e) => e.world).length;
  const ports = input.elements.filter((e) => e.workload).length;
  return {
    identities: layout.reserved,
    candidates: scoped * layout.reserved * (world + ports),
    allowed,
    used: input.usedPeer,
    ratio: ratio(allowed, input.usedPeer, counts === undefined),
    openToWorld,
    openFromWorld,
  };
}
