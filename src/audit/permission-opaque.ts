import type { Identity, WorkloadIdentity } from "../flows/index.js";
import { connectionInput } from "./assess.js";
import { PROBE } from "./permission-candidates.js";
import type { PortElement } from "./permission-ports.js";
import type { PolicyView } from "./policy-view.js";

/** What peers decided one by one add to the peer numbers. */
export interface OpaqueCounts {
  readonly allowed: number;
  readonly openToWorld: number;
  readonly openFromWorld: number;
  readonly evaluations: number;
}

/** Nothing decided one by one. */
export const NO_OPAQUE: OpaqueCounts = { allowed: 0, openToWorld: 0, openFromWorld: 0, evaluations: 0 };

/** The peers to enumerate and the pods (in scope) they pair with. */
export interface OpaqueJob {
  readonly view: PolicyView;
  /** Reserved identities the set algebra leaves out, possibly {@link PROBE}. */
  readonly peers: ReadonlySet<Identity>;
  readonly pods: readonly WorkloadIdentity[];
  readonly elements: readonly PortElement[];
}

/**
 * Evaluates, one by one, the peer triples of identities whose endpoint facts the set
 * algebra cannot see (the evaluator resolves a Pod object for them): each pod to the peer
 * on the ports observed towards non-workload peers, and the peer to each pod on the ports
 * into workloads. Few in practice: world addresses that belong to a known Pod.
 */
export function decideOpaquePeers(job: OpaqueJob): OpaqueCounts {
  let allowed = 0;
  let openToWorld = 0;
  let openFromWorld = 0;
  let evaluations = 0;
  const allows = (s: Identity, d: Identity, e: PortElement): boolean => {
    evaluations++;
    return job.view.evaluator.evaluate(connectionInput(job.view, s, d, e.protocol, e.port)).verdict === "allowed";
  };
  for (const peer of job.peers) {
    for (const pod of job.pods) {
      for (const e of job.elements) {
        const outward = e.world && allows(pod, peer, e) ? 1 : 0;
        const inward = e.workload && allows(peer, pod, e) ? 1 : 0;
        if (peer !== PROBE) allowed += outward + inward;
        else {
          openToWorld += outward;
          openFromWorld += inward;
        }
      }
    }
  }
  return { allowed, openToWorld, openFromWorld, evaluations };
}
