/** The Kubernetes kinds the policy model is built from. */
export type WatchedKind =
  | "NetworkPolicy"
  | "CiliumNetworkPolicy"
  | "CiliumClusterwideNetworkPolicy"
  | "Namespace"
  | "Pod";

/** How one watched kind is reached on the API server. */
export interface KindDefinition {
  readonly kind: WatchedKind;
  readonly apiVersion: string;
  /** Cluster-wide collection path, used for both list and watch. */
  readonly path: string;
  /**
   * Whether the kind is a custom resource that may not be installed (Cilium not deployed yet):
   * a 404 then means "none", not a failure.
   */
  readonly optional: boolean;
}

/** Every watched kind, in the order documents are emitted. */
export const KIND_DEFINITIONS: readonly KindDefinition[] = [
  { kind: "NetworkPolicy", apiVersion: "networking.k8s.io/v1", path: "/apis/networking.k8s.io/v1/networkpolicies", optional: false },
  { kind: "CiliumNetworkPolicy", apiVersion: "cilium.io/v2", path: "/apis/cilium.io/v2/ciliumnetworkpolicies", optional: true },
  {
    kind: "CiliumClusterwideNetworkPolicy",
    apiVersion: "cilium.io/v2",
    path: "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies",
    optional: true,
  },
  { kind: "Namespace", apiVersion: "v1", path: "/api/v1/namespaces", optional: false },
  { kind: "Pod", apiVersion: "v1", path: "/api/v1/pods", optional: false },
];

/** All kinds, for callers that want every one. */
export const WATCHED_KINDS: readonly WatchedKind[] = KIND_DEFINITIONS.map((d) => d.kind);
