import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Policies for the demo's generated app (see src/hubble/generate/base-app.ts), written so the
 * demo shows every kind of finding: rules that keep the app working, a rule nobody uses, an
 * egress policy that forgot DNS, an allow far broader than the traffic, and the clients that
 * would break once the database is isolated.
 */
export const DEMO_POLICIES = `# Sample policies for the hubble-auditor demo. Edit them: the daemon reads them again
# before every audit (--audit-interval).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: postgres}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [api, worker, db-backup]}]}}]
    ports: [{port: 5432}]
  # Nothing in a "legacy" namespace talks to the database any more.
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: legacy}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: web}}}]
    ports: [{port: 8080}]
---
# fluent-bit may ship logs to loki, but this policy forgets DNS.
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: fluent-bit-egress, namespace: logging}
spec:
  endpointSelector: {matchLabels: {app.kubernetes.io/name: fluent-bit}}
  egress:
  - toEndpoints: [{matchLabels: {app.kubernetes.io/name: loki}}]
    toPorts: [{ports: [{port: "3100", protocol: TCP}]}]
---
# Far broader than the traffic: every endpoint of the cluster on every port.
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: nats-ingress, namespace: messaging}
spec:
  endpointSelector: {matchLabels: {app.kubernetes.io/name: nats}}
  ingress:
  - fromEntities: [cluster]
`;

/** The demo's policy file under `dataDir`, written on first start (kept afterwards, so edits survive). */
export function ensureDemoPolicies(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, "demo-policies.yaml");
  if (!existsSync(path)) writeFileSync(path, DEMO_POLICIES);
  return path;
}
