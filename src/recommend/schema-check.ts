import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { RecommendedPolicy } from "./types.js";

// metadata.name of a NetworkPolicy must be a DNS subdomain (RFC 1123), at most 253 characters.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks generated NetworkPolicies against the Kubernetes OpenAPI schema (kubernetes-models)
 * and their names against the object-name rules; messages name the policy. Empty: valid.
 */
export function checkNetworkPolicySchema(policies: readonly RecommendedPolicy[]): readonly string[] {
  const messages: string[] = [];
  for (const p of policies) {
    if (p.kind !== "NetworkPolicy") continue;
    const where = `NetworkPolicy ${p.namespace}/${p.name}`;
    if (p.name.length > 253 || !DNS_SUBDOMAIN.test(p.name)) messages.push(`${where}: metadata.name is not a valid DNS subdomain`);
    try {
      // The model validates on demand; the constructor only copies the data.
      new NetworkPolicy(structuredClone(p.object)).validate();
    } catch (err) {
      messages.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return messages;
}
