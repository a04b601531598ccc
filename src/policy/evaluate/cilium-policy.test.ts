import { describe, expect, it } from "vitest";
import { CILIUM_EXAMPLES } from "../testdata/example-policies.js";
import { pod, reserved, scenario, verdicts, world } from "../testdata/harness.js";

const example = (name: string): string => CILIUM_EXAMPLES[name] ?? "";
const frontend = pod("default", { role: "frontend" });
const backend = pod("default", { role: "backend" });
const prodFrontend = pod("prod", { role: "frontend" });

describe("CiliumNetworkPolicy: endpoints, namespaces and default deny", () => {
  it.each([
    ["l3-frontend-to-backend", frontend, backend, "allowed not-isolated/allowed"],
    // fromEndpoints without a namespace label is limited to the policy's namespace.
    ["l3-frontend-to-backend", prodFrontend, backend, "denied not-isolated/denied"],
    ["l3-frontend-to-backend", world("1.2.3.4"), backend, "denied not-isolated/denied"],
    // `egress: [{}]` puts the endpoint in default deny without allowing anything.
    ["egress-default-deny", pod("default", { role: "restricted" }), frontend, "denied denied/not-isolated"],
    // No L3 with toPorts: any peer on that port.
    ["l4-port-any-peer", pod("default", { app: "myService" }), world("8.8.8.8"), "allowed allowed/not-isolated"],
    ["l4-port-any-peer", pod("default", { app: "myService" }), frontend, "allowed allowed/not-isolated"],
  ])("%s", (name, src, dst, expected) => {
    expect(verdicts(scenario(example(name))(src, dst))).toBe(expected);
  });

  it("l4-port-any-peer: other ports are denied", () => {
    expect(scenario(example("l4-port-any-peer"))(pod("default", { app: "myService" }), world("8.8.8.8"), "443/TCP").verdict).toBe("denied");
  });

  it("namespace written in fromEndpoints lifts the namespace limit", () => {
    const run = scenario(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cross-ns, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: prod, role: frontend}}]}]
`);
    expect(run(prodFrontend, backend).ingress.verdict).toBe("allowed");
    expect(run(frontend, backend).ingress.verdict).toBe("denied");
  });

  it("endpointSelector of a namespaced policy never selects other namespaces", () => {
    const run = scenario(example("egress-default-deny"));
    expect(run(pod("prod", { role: "restricted" }), frontend).egress.verdict).toBe("not-isolated");
  });

  it("CCNP selects across namespaces, and {} peers mean any pod (not reserved identities)", () => {
    const luke = pod("prod", { name: "luke" });
    const leia = pod("default", { name: "leia" });
    expect(scenario(example("ccnp-luke-to-leia"))(luke, leia).ingress.verdict).toBe("allowed");
    const wildcard = scenario(`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: wildcard-from-endpoints}
spec:
  endpointSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress: [{fromEndpoints: [{}]}]
`);
    const dns = pod("kube-system", { "k8s-app": "kube-dns" });
    expect(wildcard(luke, dns).ingress.verdict).toBe("allowed");
    expect(wildcard(world("8.8.8.8"), dns).ingress.verdict).toBe("denied");
    expect(wildcard(reserved("remote-node", "192.168.0.2"), dns).ingress.verdict).toBe("denied");
  });

  it("enableDefaultDeny: false adds allows without isolating", () => {
    const run = scenario(example("ccnp-allow-world-no-default-deny"));
    expect(verdicts(run(world("8.8.8.8"), backend))).toBe("allowed not-isolated/not-isolated");
    expect(run(world("8.8.8.8"), backend).ingress.rules).toHaveLength(1);
    expect(verdicts(run(frontend, backend))).toBe("allowed not-isolated/not-isolated");
  });
});

describe("CiliumNetworkPolicy: entities versus selectors", () => {
  const entities = (list: string): string => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: entities, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{fromEntities: ${list}}]
`;
  it.each([
    ["[world]", world("8.8.8.8"), "allowed"],
    ["[world]", frontend, "denied"],
    ["[cluster]", frontend, "allowed"],
    ["[cluster]", prodFrontend, "allowed"],
    ["[cluster]", reserved("remote-node"), "allowed"],
    ["[cluster]", world("8.8.8.8"), "denied"],
    ["[remote-node]", reserved("remote-node"), "allowed"],
    ["[remote-node]", reserved("health"), "denied"],
    ["[health]", reserved("health"), "allowed"],
    ["[kube-apiserver]", { labels: ["reserved:kube-apiserver", "reserved:remote-node"] }, "allowed"],
    ["[all]", world("8.8.8.8"), "allowed"],
    ["[host]", reserved("host"), "allowed"],
  ])("%s admits %j: %s", (list, peer, expected) => {
    expect(scenario(entities(list))(peer, backend).ingress.verdict).toBe(expected);
  });

  it("a selector on reserved labels selects the entity, not pods", () => {
    const run = scenario(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: reserved-selector, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{fromEndpoints: [{matchLabels: {"reserved:remote-node": ""}}]}]
`);
    expect(run(reserved("remote-node"), backend).ingress.verdict).toBe("allowed");
    expect(run(frontend, backend).ingress.verdict).toBe("denied");
  });
});

describe("CiliumNetworkPolicy: CIDR and FQDN", () => {
  const svc = pod("default", { app: "myService" });
  it.each([
    ["20.1.1.1", "allowed"],
    ["10.5.0.1", "allowed"],
    ["10.96.0.1", "denied"],
    ["10.111.255.255", "denied"],
    ["10.112.0.0", "allowed"],
    ["11.0.0.1", "denied"],
  ])("cidr-with-except: %s -> %s", (ip, expected) => {
    expect(scenario(example("cidr-with-except"))(svc, world(ip)).egress.verdict).toBe(expected);
  });

  it("CIDR rules never match pods, even when their IP is inside", () => {
    expect(scenario(example("cidr-with-except"))(svc, pod("default", { role: "x" }, { ip: "10.5.0.1" })).egress.verdict).toBe("denied");
  });

  const app = pod("default", { app: "test-app" });
  it.each([
    [["api.github.com"], "allowed"],
    [["docs.cilium.io"], "allowed"],
    [["a.docs.cilium.io"], "denied"],
    [["github.com"], "denied"],
    [[], "denied"],
  ])("fqdn-github: names %j -> %s", (names, expected) => {
    expect(scenario(example("fqdn-github"))(app, world("140.82.112.5", names), "443/TCP").egress.verdict).toBe(expected);
  });

  it("DNS rules filter queries; without L7 data the port is allowed with L7 restrictions", () => {
    const run = scenario(example("fqdn-github"));
    const dns = pod("kube-system", { "k8s-app": "kube-dns" });
    const plain = run(app, dns, "53/UDP");
    expect(plain.egress.verdict).toBe("allowed");
    expect(plain.egress.l7Restricted).toBe(true);
    expect(run(app, dns, "53/UDP", { kind: "dns", query: "anything.example." }).egress.verdict).toBe("allowed");
  });
});

describe("CiliumNetworkPolicy: L7 HTTP", () => {
  const run = scenario(example("http-get-public"));
  const client = pod("default", { env: "prod" });
  const server = pod("default", { app: "service" });
  const http = (method: string, path: string, headers: { key: string; value: string }[] = []) =>
    ({ kind: "http", method, path, host: "service", headers }) as const;
  it.each([
    [http("GET", "/public"), "allowed"],
    [http("GET", "/public/x"), "denied"],
    [http("POST", "/public"), "denied"],
    [http("PUT", "/avatar/42"), "denied"],
    [http("PUT", "/avatar/42", [{ key: "x-my-header", value: "true" }]), "allowed"],
    [http("PUT", "/avatar/abc", [{ key: "X-My-Header", value: "true" }]), "denied"],
  ])("%j -> %s", (request, expected) => {
    expect(run(client, server, "80/TCP", request).ingress.verdict).toBe(expected);
  });
});

describe("CiliumNetworkPolicy: deny precedence", () => {
  it("a deny rule beats an allow of any kind", () => {
    const allowAll = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: default}
spec: {podSelector: {}, ingress: [{}]}
---
${example("deny-frontend-to-backend")}`;
    const run = scenario(allowAll);
    const denied = run(frontend, backend, "80/TCP");
    expect(denied.ingress.verdict).toBe("denied");
    expect(denied.ingress.rules).toMatchObject([
      { action: "deny", policy: { name: "deny-rule" }, path: "spec.ingressDeny[0].fromEndpoints[0]", portIndex: 0 },
    ]);
    expect(run(frontend, backend, "81/TCP").ingress.verdict).toBe("allowed");
    expect(run(pod("default", { role: "x" }), backend, "80/TCP").ingress.verdict).toBe("allowed");
  });

  it("deny-only policies also enable default deny", () => {
    const run = scenario(example("deny-frontend-to-backend"));
    expect(run(pod("default", { role: "x" }), backend, "80/TCP").ingress.verdict).toBe("denied");
  });
});

describe("unsupported constructs are reported where they matter", () => {
  it("toServices: treated as not matching and reported", () => {
    const e = scenario(example("unsupported-to-services"))(pod("default", { id: "app2" }), pod("default", { app: "x" }));
    expect(e.egress.verdict).toBe("denied");
    expect(e.unsupported).toMatchObject([{ construct: "toServices", path: "spec.egress[0].toServices", direction: "egress" }]);
  });

  it("fromRequires: reported for every flow to a selected endpoint", () => {
    const e = scenario(example("unsupported-requires"))(frontend, pod("default", { env: "prod" }));
    expect(e.unsupported).toMatchObject([{ construct: "fromRequires", direction: "ingress" }]);
  });

  it("host policies: reported when the host is the subject", () => {
    const run = scenario(example("host-policy"));
    const e = run(frontend, reserved("host"));
    expect(e.ingress.notEnforced).toBe("host-endpoint");
    expect(e.unsupported).toMatchObject([{ construct: "nodeSelector", policy: { name: "host-fw" } }]);
    expect(run(frontend, backend).unsupported).toEqual([]);
  });

  it("Kafka rules allow the port and report the L7 part", () => {
    const e = scenario(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: kafka, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: kafka}}
  ingress: [{toPorts: [{ports: [{port: "9092", protocol: TCP}], rules: {kafka: [{topic: deathstar-plans}]}}]}]
`)(frontend, pod("default", { app: "kafka" }), "9092/TCP");
    expect(e.ingress.verdict).toBe("allowed");
    expect(e.unsupported).toMatchObject([{ construct: "rules.kafka" }]);
  });
});

describe("NetworkPolicy and Cilium policies on one endpoint combine as a union", () => {
  it("an allow in either kind allows; isolation comes from either", () => {
    const run = scenario(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: default}
spec:
  podSelector: {matchLabels: {role: backend}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 80}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{fromEntities: [world], toPorts: [{ports: [{port: "443", protocol: TCP}]}]}]
`);
    expect(run(frontend, backend, "80/TCP").ingress.rules).toMatchObject([{ policy: { kind: "NetworkPolicy" } }]);
    expect(run(world("8.8.8.8"), backend, "443/TCP").ingress.rules).toMatchObject([{ policy: { kind: "CiliumNetworkPolicy" } }]);
    expect(run(world("8.8.8.8"), backend, "80/TCP").ingress.verdict).toBe("denied");
  });
});
