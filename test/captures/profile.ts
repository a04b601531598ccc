/**
 * Which Hubble release a capture imitates. The members that differ between the 1.10
 * agent of the recorded bookinfo captures and a current agent, per the field history in
 * the Hubble API reference (§9).
 */
export interface HubbleProfile {
  readonly name: string;
  /** `Flow.uuid` (1.14+). */
  readonly uuid: boolean;
  /** `trace_reason` on trace events whose conntrack state is known (1.16+). */
  readonly traceReason: boolean;
  /** `Endpoint.cluster_name` on pod endpoints (1.16+). */
  readonly clusterName: boolean;
  /** `Endpoint.workloads` (absent from the 1.10 captures). */
  readonly workloads: boolean;
  /** `egress_allowed_by` / `ingress_allowed_by` with `Policy.kind` (1.15+, kind 1.17+). */
  readonly policyRefs: boolean;
  /**
   * `node_name` as `<cluster>/<node>` outside cluster `default`; the 1.10 captures print
   * the bare node name although their cluster is `kind-kind`.
   */
  readonly clusterNodeNames: boolean;
}

/** The agent of the recorded bookinfo captures (Cilium 1.10, kind). */
export const CILIUM_1_10: HubbleProfile = {
  name: "cilium-1.10",
  uuid: false,
  traceReason: false,
  clusterName: false,
  workloads: false,
  policyRefs: false,
  clusterNodeNames: false,
};

/** A current agent (Cilium 1.17): uuids, trace reasons, cluster names, policy references. */
export const CILIUM_1_17: HubbleProfile = {
  name: "cilium-1.17",
  uuid: true,
  traceReason: true,
  clusterName: true,
  workloads: true,
  policyRefs: true,
  clusterNodeNames: true,
};
