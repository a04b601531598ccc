import type { ObservedGraph } from "../graph/index.js";
import { semanticsProfile } from "../policy/index.js";
import { PROBE } from "./permission-candidates.js";
import { ALLOWED, countPermissions } from "./permission-count.js";
import type { TripleProbe } from "./permission-count.js";
import { isOpaqueEndpoint } from "./permission-labels.js";
import { observeGraph } from "./permission-observed.js";
import { decideOpaquePeers, NO_OPAQUE } from "./permission-opaque.js";
import type { PortElement } from "./permission-ports.js";
import { compileRuleTables } from "./permission-rules.js";
import { summarize } from "./permission-summary.js";
import type { Layout } from "./permission-summary.js";
import { buildUniverse } from "./permission-universe.js";
import type { Placement } from "./permission-universe.js";
import type { PolicyView } from "./policy-view.js";

/**
 * How much more the policies allow than the traffic needs.
 *
 * Definition. Let W be the workload identities of the graph, N one unobserved "new pod"
 * per namespace of W (what a pod deployed tomorrow would get: the namespace's labels,
 * the `default` service account and the namespace's cluster label, no app labels; see
 * `newPodsOf`), C = W ∪ N, and P the (protocol, port) pairs (TCP, UDP, SCTP) observed on
 * any edge into a workload, whatever its verdict (the ports somebody dialled). A
 * candidate triple is (s, d, p) in C × C × P, s = d included (pods of one workload
 * talking to each other). A triple is *allowed* when evaluating a connection from s to
 * d on p allows it in both directions: the source's egress and the destination's
 * ingress (a direction no policy isolates allows everything). A triple is *used* when
 * an edge s → d on p carried traffic that got through in the window; a new pod is
 * never used, so every triple allowing it is over-permission. The ratio is allowed /
 * used; 1.0 means the policies allow exactly the workload-to-workload connections that
 * were used (among the identities and ports seen). `explicit` counts only triples that
 * survive default-deny (both directions allowed by a rule, or not enforced). With a
 * namespace, only triples with s or d in it count. The W × W × P part of every number
 * is what it was before new pods were added; `newPodAllowed` is the rest.
 *
 * `byNamespace`: for each namespace x of W, the same numbers over the triples whose
 * subject side is in x: egress triples of its members (s in x) and ingress triples into
 * them (d in x), each triple once (a triple inside x is one triple; one between x and
 * y counts for both). Members of x are its workloads and its new pod. An entry equals
 * the overall numbers computed with `namespace: x`.
 *
 * Peers that are not workloads (world addresses, CIDRs, host, kube-apiserver, remote
 * nodes) are counted separately, as (member, peer, port) triples over the reserved
 * identities seen (members of C, including new pods; ports of P into members, the
 * ports observed towards non-workload peers out of them), plus how many (member, port)
 * pairs are open to or from any address on the internet (an unobserved probe address).
 *
 * The counts come from set algebra over the compiled model (see `countPermissions`):
 * per member and direction the rules that select it, each rule's peers as a set of
 * candidates and its ports as classes of ports no rule tells apart. They equal
 * evaluating every triple with the policy evaluator, exactly (a property test checks
 * it on random policy sets). Only triples with a peer whose Pod object the evaluator
 * would look up by address are evaluated one by one (`evaluations`).
 */
export interface OverPermission {
  /** Observed workloads (W). */
  readonly workloads: number;
  /** New pods added as candidates (N): one per namespace with observed workloads. */
  readonly newPods: number;
  readonly ports: readonly string[];
  readonly candidates: number;
  readonly allowed: number;
  readonly explicitAllowed: number;
  /** Of `allowed`, triples with a new pod at either end. */
  readonly newPodAllowed: number;
  readonly used: number;
  /** Used triples the policies deny (observed getting through, e.g. before the policies applied). */
  readonly usedButDenied: number;
  /** allowed / used; `undefined` when nothing was used or the candidates exceeded the bound. */
  readonly ratio: number | undefined;
  /** explicitAllowed / used; `undefined` likewise. */
  readonly explicitRatio: number | undefined;
  /** Set when there were more candidates than `maxEvaluations`: nothing was counted. */
  readonly skipped?: "too-many-candidates";
  /** Per namespace (only the option's namespace when one is given), sorted by namespace. */
  readonly byNamespace: readonly NamespacePermission[];
  readonly peers: PeerPermission;
  /** Triples decided one by one by the evaluator (peers it resolves to Pod objects by address); usually 0. */
  readonly evaluations: number;
}

/** The numbers of {@link OverPermission} over the triples whose subject side is in one namespace. */
export interface NamespacePermission {
  readonly namespace: string;
  /** Observed workloads of the namespace. */
  readonly workloads: number;
  readonly candidates: number;
  readonly allowed: number;
  readonly explicitAllowed: number;
  readonly newPodAllowed: number;
  readonly used: number;
  readonly usedButDenied: number;
  /** allowed / used; `undefined` when nothing was used or the count was skipped. */
  readonly ratio: number | undefined;
  readonly explicitRatio: number | undefined;
}

/** The non-workload part of {@link OverPermission}. */
export interface PeerPermission {
  /** Reserved identities seen (one per world address). */
  readonly identities: number;
  readonly candidates: number;
  readonly allowed: number;
  readonly used: number;
  /** allowed / used; `undefined` when nothing was used or the count was skipped. */
  readonly ratio: number | undefined;
  /** (member, port) pairs whose egress reaches an unobserved internet address. */
  readonly openToWorld: number;
  /** (member, port) pairs whose ingress accepts an unobserved internet address. */
  readonly openFromWorld: number;
}

/** Options of {@link computeOverPermission}. */
export interface OverPermissionOptions {
  /** Only triples with an end in this namespace; `undefined`: all. */
  readonly namespace?: string;
  /**
   * Bound on the candidate triples of the whole graph (whatever the namespace), workload
   * and peer ones together; above it nothing is counted. `undefined`: 10^10, e.g. 20,000
   * workloads over 25 ports. Counting costs about one word operation per 32 candidates
   * and rule, so the bound guards only against pathological sizes.
   */
  readonly maxEvaluations?: number;
}

const DEFAULT_MAX_CANDIDATES = 10_000_000_000;

/** Computes the over-permission ratio of the policies in `view` over the identities and ports of a graph. */
export function computeOverPermission(graph: ObservedGraph, view: PolicyView, options: OverPermissionOptions = {}): OverPermission {
  const scope = options.namespace;
  const { layout, reserved, elements, used, usedPeer } = observeGraph(graph, scope);
  const base = { layout, elements, usedPeer, scope };
  if (workCandidates(layout, elements) > (options.maxEvaluations ?? DEFAULT_MAX_CANDIDATES)) {
    // Nothing is decided: the summary reports use, and no allows or denials.
    return summarize({ ...base, used: used.map((u) => ({ ...u, allowed: true })), counts: undefined, opaque: NO_OPAQUE });
  }
  const opaque = new Set([...reserved, PROBE].filter((r) => isOpaqueEndpoint(view.endpoint(r), view.model)));
  const placements: Placement[] = [
    ...layout.pods.map((identity, i) => ({ identity, group: layout.groupOf[i] ?? 0 })),
    ...reserved.filter((r) => !opaque.has(r)).map((identity) => ({ identity, group: layout.reservedGroup })),
    ...(opaque.has(PROBE) ? [] : [{ identity: PROBE, group: layout.probeGroup }]),
  ];
  const universe = buildUniverse(placements, view, semanticsProfile(view.evaluator.semantics));
  const position = new Map(layout.pods.map((p, i) => [p.key, i]));
  const elementAt = new Map(elements.map((e, i) => [e.text, i]));
  const probes: TripleProbe[] = used.map((u) => ({ source: position.get(u.source.key) ?? -1, destination: position.get(u.destination.key) ?? -1, element: elementAt.get(u.text) ?? -1 }));
  const counts = countPermissions(universe, compileRuleTables(universe, elements), probes);
  return summarize({
    ...base, counts,
    used: used.map((u, i) => ({ ...u, allowed: ((counts.verdicts[i] ?? 0) & ALLOWED) !== 0 })),
    opaque: opaque.size === 0 ? NO_OPAQUE : decideOpaquePeers({ view, peers: opaque, pods: layout.pods.filter((p) => scope === undefined || p.namespace === scope), elements }),
  });
}

/** Candidate triples of the whole graph, whatever the namespace: what the count works through. */
function workCandidates(layout: Layout, elements: readonly PortElement[]): number {
  const n = layout.pods.length;
  const ports = elements.filter((e) => e.workload).length;
  return n * n * ports + n * layout.reserved * (ports + elements.filter((e) => e.world).length);
}
