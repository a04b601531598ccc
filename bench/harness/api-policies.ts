import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// Policies for the generator's base app (src/hubble/generate/base-app.ts), one file per
// namespace: enough allows, an unused rule, FQDN egress and isolation that the audit has
// unused allows, would-be drops (Prometheus scrapes, audited edges) and policy drops to
// report, and the recommender has namespaces both with and without policies.
const POLICIES: Readonly<Record<string, string>> = {
  shop: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: postgres}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [api, worker, db-backup]}]}}]
    ports: [{port: 5432}]
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
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: redis}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: api}}}]
    ports: [{port: 6379}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: worker-egress, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app.kubernetes.io/name: worker}}
  egress:
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
  - toFQDNs: [{matchName: s3.eu-west-1.amazonaws.com}, {matchName: hooks.slack.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {app.kubernetes.io/name: postgres}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: messaging, app.kubernetes.io/name: nats}}]
    toPorts: [{ports: [{port: "4222", protocol: TCP}]}]
`,
  messaging: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nats, namespace: messaging}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: nats}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}]
    ports: [{port: 4222}]
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
    ports: [{port: 7777}]
`,
  monitoring: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: prometheus, namespace: monitoring}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: grafana}}}]
    ports: [{port: 9090}]
`,
  logging: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: loki, namespace: logging}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: loki}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: fluent-bit}}}]
    ports: [{port: 3100}]
`,
  default: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: default}
spec:
  podSelector: {matchLabels: {run: debug-shell}}
  policyTypes: [Egress]
`,
  "ingress-nginx": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: controller, namespace: ingress-nginx}
spec:
  endpointSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx-controller}}
  ingress:
  - fromEntities: [world]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
`,
};

/** Writes the sample policy set (one YAML file per namespace) into `dir`; returns `dir`. */
export function writeSamplePolicies(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [namespace, yaml] of Object.entries(POLICIES)) writeFileSync(join(dir, `${namespace}.yaml`), yaml.trimStart());
  return dir;
}
