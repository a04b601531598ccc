import type { NetworkPolicyProtocol, ParsedObjectBase } from "./policy-id.js";

/** A Namespace object: only its labels matter to policy. */
export interface NamespaceSpec extends ParsedObjectBase {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
}

/** A named container port (`spec.containers[].ports[]` with a `name`). */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: NetworkPolicyProtocol;
}

/** An owner reference of a Pod. */
export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
  /** `undefined` when the reference does not say. */
  readonly controller?: boolean;
}

/** A Pod object: labels, addresses, named ports and owners. */
export interface PodSpec extends ParsedObjectBase {
  readonly namespace: string;
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  /** `status.podIPs` (or `status.podIP`); empty when not scheduled yet. */
  readonly ips: readonly string[];
  readonly namedPorts: readonly NamedPort[];
  readonly owners: readonly OwnerRef[];
  readonly hostNetwork: boolean;
}
