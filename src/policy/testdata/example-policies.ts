/**
 * A named set of example policies reused by policy, audit and recommend tests: the
 * Kubernetes NetworkPolicy concept-page examples and Cilium policy-language examples,
 * rewritten for this project, plus pathological cases. Pure data (no disk access).
 */
import { parseAllDocuments } from "yaml";
import type { SourceDocument } from "../source-document.js";

/** Namespaces and pods the examples refer to. */
export const EXAMPLE_INVENTORY = `
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: default, labels: {kubernetes.io/metadata.name: default}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: myproject, labels: {project: myproject}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {env: prod, team: a}}}
- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}
- apiVersion: v1
  kind: Pod
  metadata: {name: db-0, namespace: default, labels: {role: db, pod-template-hash: abc12}}
  spec: {containers: [{name: redis, ports: [{name: redis, containerPort: 6379}, {name: metrics, containerPort: 9121, protocol: UDP}]}]}
  status: {podIP: 10.1.0.10}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-0, namespace: default, labels: {role: frontend}}
  spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
  status: {podIP: 10.1.0.20}
`;

/** Kubernetes NetworkPolicy examples, after the concept page. */
export const KUBERNETES_EXAMPLES: Readonly<Record<string, string>> = {
  "test-network-policy": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: test-network-policy, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector: {matchLabels: {project: myproject}}
    - podSelector: {matchLabels: {role: frontend}}
    ports: [{protocol: TCP, port: 6379}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
    ports: [{protocol: TCP, port: 5978}]
`,
  "default-deny-ingress": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
`,
  "allow-all-ingress": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: default}
spec: {podSelector: {}, ingress: [{}], policyTypes: [Ingress]}
`,
  "default-deny-egress": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-egress, namespace: default}
spec: {podSelector: {}, policyTypes: [Egress]}
`,
  "allow-all-egress": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-egress, namespace: default}
spec: {podSelector: {}, egress: [{}], policyTypes: [Egress]}
`,
  "default-deny-all": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`,
  "multi-port-egress": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: multi-port-egress, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
    ports: [{protocol: TCP, port: 32000, endPort: 32768}]
`,
};

/** Cilium policy-language examples. */
export const CILIUM_EXAMPLES: Readonly<Record<string, string>> = {
  "l3-frontend-to-backend": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l3-rule, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{fromEndpoints: [{matchLabels: {role: frontend}}]}]
`,
  "egress-default-deny": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-all-egress, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: restricted}}
  egress: [{}]
`,
  "l4-port-any-peer": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l4-rule, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: myService}}
  egress: [{toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
`,
  "icmp-echo": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: icmp-rule, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: myService}}
  egress:
  - icmps:
    - fields:
      - {type: 8, family: IPv4}
      - {type: EchoRequest, family: IPv6}
`,
  "cidr-with-except": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cidr-rule, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: myService}}
  egress:
  - toCIDR: [20.1.1.1/32]
  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]
`,
  "fqdn-github": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: to-fqdn, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: test-app}}
  egress:
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
  - toFQDNs: [{matchName: api.github.com}, {matchPattern: "*.cilium.io"}]
`,
  "http-get-public": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: rule1, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: service}}
  ingress:
  - fromEndpoints: [{matchLabels: {env: prod}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - {method: GET, path: "/public"}
        - {method: PUT, path: "/avatar/[0-9]+", headers: ["X-My-Header: true"]}
`,
  "deny-frontend-to-backend": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-rule, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingressDeny: [{fromEndpoints: [{matchLabels: {role: frontend}}], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
`,
  "ccnp-luke-to-leia": `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: interns}
spec:
  endpointSelector: {matchLabels: {name: leia}}
  ingress: [{fromEndpoints: [{matchLabels: {name: luke}}]}]
`,
  "ccnp-allow-world-no-default-deny": `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: allow-world}
spec:
  endpointSelector: {}
  enableDefaultDeny: {ingress: false}
  ingress: [{fromEntities: [world]}]
`,
  "unsupported-to-services": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: to-services, namespace: default}
spec:
  endpointSelector: {matchLabels: {id: app2}}
  egress: [{toServices: [{k8sService: {serviceName: myservice, namespace: default}}]}]
`,
  "unsupported-requires": `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: requires-rule, namespace: default}
spec:
  endpointSelector: {matchLabels: {env: prod}}
  ingress: [{fromRequires: [{matchLabels: {env: prod}}]}]
`,
  "host-policy": `
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: host-fw}
spec:
  nodeSelector: {matchLabels: {role: worker}}
  ingress: [{fromEntities: [cluster]}]
`,
};

/** Pathological but valid cases. */
export const PATHOLOGICAL_EXAMPLES: Readonly<Record<string, string>> = {
  "empty-from-list": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: empty-from, namespace: default}
spec: {podSelector: {}, ingress: [{from: [], ports: []}]}
`,
  "egress-rules-ignored-without-policy-type": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress-only, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
`,
  "named-port-udp": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named-udp, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{ports: [{port: redis, protocol: UDP}, {port: metrics, protocol: UDP}]}]
`,
  "select-on-hash-label": `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: hash-label, namespace: default}
spec:
  podSelector: {matchLabels: {pod-template-hash: abc12}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}]}]
`,
};

/** Every example by name. */
export const EXAMPLE_POLICIES: Readonly<Record<string, string>> = {
  ...KUBERNETES_EXAMPLES,
  ...CILIUM_EXAMPLES,
  ...PATHOLOGICAL_EXAMPLES,
};

/** Decodes YAML text into source documents, as a file source would. */
export function yamlDocuments(text: string, file = "example.yaml"): SourceDocument[] {
  return parseAllDocuments(text).map((d, i) => ({
    origin: { source: "file", file, documentIndex: i },
    object: d.toJS() as unknown,
  }));
}

/** Source documents for the named examples plus the example inventory. */
export function exampleDocuments(names: readonly string[]): SourceDocument[] {
  const docs = yamlDocuments(EXAMPLE_INVENTORY, "inventory.yaml");
  for (const name of names) {
    const text = EXAMPLE_POLICIES[name];
    if (text === undefined) throw new Error(`no example policy named ${name}`);
    docs.push(...yamlDocuments(text, `${name}.yaml`));
  }
  return docs;
}
