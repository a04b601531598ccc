import type { PolicyJson } from "./jsonpb.js";
import type { Random } from "./prng.js";

type PolicyKind = "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy" | "NetworkPolicy";

/**
 * The policies named in `egress_allowed_by` / `ingress_allowed_by`. Each is created once
 * (with a stable uid) and shared by every flow it allows. Labels follow what Cilium attaches
 * to imported rules: derived-from, name, namespace (namespaced kinds only) and uid.
 */
export class PolicyCatalog {
  private readonly byKey = new Map<string, PolicyJson>();
  private readonly revision: string;

  constructor(private readonly random: Random) {
    this.revision = String(random.between(20, 400));
  }

  /** The policy `name` of `kind`; `namespace` is undefined for cluster-wide policies. */
  get(kind: PolicyKind, name: string, namespace: string | undefined): PolicyJson {
    const key = `${kind}/${namespace ?? ""}/${name}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const labels = [
      `k8s:io.cilium.k8s.policy.derived-from=${kind}`,
      `k8s:io.cilium.k8s.policy.name=${name}`,
      ...(namespace === undefined ? [] : [`k8s:io.cilium.k8s.policy.namespace=${namespace}`]),
      `k8s:io.cilium.k8s.policy.uid=${this.random.uuid()}`,
    ];
    const policy: PolicyJson = namespace === undefined
      ? { name, labels, revision: this.revision, kind }
      : { name, namespace, labels, revision: this.revision, kind };
    this.byKey.set(key, policy);
    return policy;
  }
}
