/**
 * The seeds' shape of app, written by hand for matrix tests: in `shop`, web calls api on its
 * named port `http` (8080), api calls postgres on 5432; both look names up in kube-system's
 * coredns; api reaches api.stripe.com by name, a partner range by CIDR, the API server and
 * pings the internet; web takes the internet on 8000-8010. Everything else in `shop` is denied.
 */
import { createPolicyView, type PolicyView } from "../../audit/index.js";
import { compilePolicyModel, parsePolicyDocuments, type PodSpec, type SemanticsName } from "../../policy/index.js";
import { yamlDocuments } from "../../policy/testdata/example-policies.js";

/** The policies, Namespaces and Pods of the seed app. */
export const SEED_POLICIES = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: web-5d9c-abcde, namespace: shop, labels: {app: web}, ownerReferences: [{kind: ReplicaSet, name: web-5d9c, controller: true}]}
spec: {containers: [{name: web, ports: [{name: http, containerPort: 8000}]}]}
status: {podIP: 10.0.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: api-7f4b-fghij, namespace: shop, labels: {app: api}, ownerReferences: [{kind: ReplicaSet, name: api-7f4b, controller: true}]}
spec: {containers: [{name: api, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.1.20}
---
apiVersion: v1
kind: Pod
metadata: {name: postgres-0, namespace: shop, labels: {app: postgres}, ownerReferences: [{kind: StatefulSet, name: postgres, controller: true}]}
spec: {containers: [{name: postgres, ports: [{name: pg, containerPort: 5432}]}]}
status: {podIP: 10.0.1.30}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns-6d4b-klmno, namespace: kube-system, labels: {k8s-app: kube-dns}, ownerReferences: [{kind: ReplicaSet, name: coredns-6d4b, controller: true}]}
status: {podIP: 10.0.0.53}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: http}]
  egress:
  - to: [{podSelector: {matchLabels: {app: postgres}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres, namespace: shop}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api-external, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  egress:
  - toFQDNs: [{matchName: api.stripe.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toCIDRSet: [{cidr: 198.51.100.0/24, except: [198.51.100.128/25]}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEntities: [kube-apiserver]
    toPorts: [{ports: [{port: "6443", protocol: TCP}]}]
  - toEntities: [world]
    icmps: [{fields: [{type: 8, family: IPv4}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-public, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEntities: [world]
    toPorts: [{ports: [{port: "8000", endPort: 8010, protocol: TCP}]}]
`;

/** The seed policies compiled into a view, with their Pod objects. */
export function seedView(semantics: SemanticsName = "cilium"): { readonly view: PolicyView; readonly pods: readonly PodSpec[] } {
  const parsed = parsePolicyDocuments(yamlDocuments(SEED_POLICIES, "seed.yaml"));
  if (parsed.problems.length > 0) throw new Error(`seed policies have problems: ${JSON.stringify(parsed.problems)}`);
  return { view: createPolicyView(compilePolicyModel(parsed), { semantics }), pods: parsed.pods };
}
