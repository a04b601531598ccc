import type { NetworkPolicyRuleSpec, NetworkPolicySpec } from "../spec/network-policy.js";
import type { Direction } from "../spec/policy-id.js";
import type { CompiledPeer, CompiledPort, CompiledRule, PolicySection } from "./model.js";
import {
  equals,
  exists,
  NAMESPACE_KEY,
  NAMESPACE_LABEL_PREFIX,
  requirementsOf,
  type SelectorFactory,
} from "./selector.js";

/**
 * Compiles a NetworkPolicy into one section per direction in its (defaulted)
 * policyTypes. Per the Kubernetes NetworkPolicy concept page:
 * - a pod is isolated for a direction when any policy selecting it lists that direction;
 *   rules of a direction not listed in policyTypes have no effect;
 * - rules are ORed; within a rule, peers are ORed and ports are ORed, and a rule needs
 *   a peer match AND a port match; an empty or missing `from`/`to` matches all peers and
 *   an empty or missing `ports` matches all ports;
 * - a peer with podSelector only selects pods in the policy's namespace; namespaceSelector
 *   only selects all pods of matching namespaces; both in one peer select the matching
 *   pods of the matching namespaces (AND), whereas two peers are ORed.
 * Pod labels carry Cilium's `k8s:` source, namespace labels are read from the
 * `k8s:io.cilium.k8s.namespace.labels.*` labels Cilium adds to every pod.
 */
export function compileNetworkPolicy(np: NetworkPolicySpec, selectors: SelectorFactory): PolicySection[] {
  const ns = np.id.namespace;
  const subject = selectors.make(np.podSelector, "k8s:", [equals("k8s", NAMESPACE_KEY, ns)]);
  return np.policyTypes.map((direction) => ({
    policy: np.id,
    direction,
    path: "spec",
    subject,
    namespace: ns,
    defaultDeny: true,
    allow: np[direction].map((rule) => compileRule(np, rule, direction, selectors)),
    deny: [],
  }));
}

function compileRule(
  np: NetworkPolicySpec,
  rule: NetworkPolicyRuleSpec,
  direction: Direction,
  selectors: SelectorFactory,
): CompiledRule {
  const path = `spec.${direction}[${rule.index}]`;
  const peerKey = direction === "ingress" ? "from" : "to";
  const peers: CompiledPeer[] | undefined =
    rule.peers === undefined || rule.peers.length === 0
      ? undefined
      : rule.peers.map((peer, index): CompiledPeer => {
          const peerPath = `${path}.${peerKey}[${index}]`;
          if (peer.kind === "ipBlock") {
            return { kind: "cidr", index, path: peerPath, cidr: peer.cidr, except: peer.except, from: "ipBlock" };
          }
          const nsReqs =
            peer.namespaceSelector === undefined
              ? [equals("k8s", NAMESPACE_KEY, np.id.namespace)]
              : [...requirementsOf(peer.namespaceSelector, `k8s:${NAMESPACE_LABEL_PREFIX}`), exists("k8s", NAMESPACE_KEY)];
          const podReqs = peer.podSelector === undefined ? [] : requirementsOf(peer.podSelector, "k8s:");
          return { kind: "selector", index, path: peerPath, selector: selectors.fromRequirements([...podReqs, ...nsReqs]) };
        });
  const ports: CompiledPort[] | undefined =
    rule.ports === undefined || rule.ports.length === 0
      ? undefined
      : rule.ports.map((p, index) => ({
          index,
          path: `${path}.ports[${index}]`,
          protocol: p.protocol,
          fromNetworkPolicy: true,
          ...(typeof p.port === "number" ? { port: p.port } : {}),
          ...(typeof p.port === "string" ? { name: p.port } : {}),
          ...(p.endPort === undefined ? {} : { endPort: p.endPort }),
        }));
  return {
    ref: { policy: np.id, direction, action: "allow", ruleIndex: rule.index, path },
    peers,
    ports,
    unsupported: [],
  };
}
