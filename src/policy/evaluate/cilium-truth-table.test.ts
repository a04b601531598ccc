/**
 * Truth tables written from the Cilium documentation (security/policy layer3, layer4,
 * language, kubernetes, deny; policy API entity definitions).
 */
import { describe, expect, it } from "vitest";
import { pod, reserved, scenario, world } from "../testdata/harness.js";

const backend = pod("default", { role: "backend" });
const frontend = pod("default", { role: "frontend" });
const prodPod = pod("prod", { role: "frontend" });

const cnp = (body: string, name = "t"): string => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ${name}, namespace: default}
spec:
  endpointSelector: {matchLabels: {role: backend}}
${body}`;

describe("entities (policy API: cluster = host, remote-node, init, ingress, health, unmanaged, kube-apiserver, pods)", () => {
  const peers = {
    pod: frontend,
    otherNamespacePod: prodPod,
    host: reserved("host"),
    remoteNode: reserved("remote-node", "192.168.0.2"),
    health: reserved("health"),
    init: reserved("init"),
    ingress: reserved("ingress"),
    unmanaged: reserved("unmanaged"),
    apiserver: reserved("kube-apiserver", "192.168.0.1"),
    world: world("8.8.8.8"),
    worldV4: { labels: ["reserved:world-ipv4"], ip: "8.8.4.4" },
  };
  const table: [string, readonly (keyof typeof peers)[]][] = [
    ["cluster", ["pod", "otherNamespacePod", "host", "remoteNode", "health", "init", "ingress", "unmanaged", "apiserver"]],
    ["world", ["world", "worldV4"]],
    ["world-ipv4", ["worldV4"]],
    ["kube-apiserver", ["apiserver"]],
    ["host", ["host"]],
    ["remote-node", ["remoteNode"]],
    ["health", ["health"]],
    ["ingress", ["ingress"]],
    ["none", []],
    ["all", Object.keys(peers) as (keyof typeof peers)[]],
  ];
  // Egress, because ingress from the local host is always allowed (allow-localhost).
  it.each(table)("toEntities: [%s] admits exactly %j", (entity, admitted) => {
    const run = scenario(cnp(`  egress: [{toEntities: [${entity}]}]`));
    const got = (Object.keys(peers) as (keyof typeof peers)[]).filter((k) => run(backend, peers[k]).egress.verdict === "allowed");
    expect(got.sort()).toEqual([...admitted].sort());
  });
});

describe("world versus CIDR (layer3: world is 0.0.0.0/0; CIDR selectors never match pods or nodes)", () => {
  it.each([
    ["toCIDR: [0.0.0.0/0]", world("1.2.3.4"), "allowed"],
    ["toCIDR: [0.0.0.0/0]", { labels: ["reserved:world"] }, "allowed"],
    ["toCIDR: [0.0.0.0/0]", pod("default", { role: "x" }, { ip: "10.1.0.9" }), "denied"],
    ["toCIDR: [0.0.0.0/0]", reserved("remote-node", "192.168.0.2"), "denied"],
    // A self-hosted apiserver runs on a node: select it with the kube-apiserver entity.
    ["toCIDR: [0.0.0.0/0]", { labels: ["reserved:kube-apiserver", "reserved:remote-node"], ip: "192.168.0.1" }, "denied"],
    ["toCIDR: [1.2.3.4/32]", world("1.2.3.4"), "allowed"],
    ["toCIDR: [1.2.3.4]", world("1.2.3.4"), "allowed"],
    ["toCIDR: [1.2.3.4/32]", world("1.2.3.5"), "denied"],
    ["toCIDRSet: [{cidr: 1.2.0.0/16, except: [1.2.3.0/24]}]", world("1.2.3.4"), "denied"],
    ["toCIDRSet: [{cidr: 1.2.0.0/16, except: [1.2.3.0/24]}]", world("1.2.4.4"), "allowed"],
    ["toCIDR: ['2001:db8::/32']", world("2001:db8::1"), "allowed"],
    ["toCIDR: ['2001:db8::/32']", world("1.2.3.4"), "denied"],
    ["toEntities: [world]", world("10.0.0.1"), "allowed"],
    ["toEntities: [world]", pod("default", { role: "x" }, { ip: "10.1.0.9" }), "denied"],
    // A pod Hubble names whose security identity is world (a node Cilium does not manage):
    // Cilium enforces on the identity, so it is a CIDR / world peer and no endpoint selector
    // matches it, not even one that selects the whole namespace.
    ["toCIDR: [10.1.0.9/32]", { labels: ["reserved:world"], namespace: "default", podName: "legacy-0", ip: "10.1.0.9" }, "allowed"],
    ["toEntities: [world]", { labels: ["reserved:world"], namespace: "default", podName: "legacy-0", ip: "10.1.0.9" }, "allowed"],
    ["toEndpoints: [{}]", { labels: ["reserved:world"], namespace: "default", podName: "legacy-0", ip: "10.1.0.9" }, "denied"],
  ])("%s to %j -> %s", (peer, dst, expected) => {
    expect(scenario(cnp(`  egress: [{${peer}}]`))(backend, dst).egress.verdict).toBe(expected);
  });
});

describe("toPorts (layer4: protocol defaults to ANY, endPort ranges, port 0 = all ports)", () => {
  it.each([
    [`[{port: "53"}]`, "53/UDP", "allowed"],
    [`[{port: "53"}]`, "53/TCP", "allowed"],
    [`[{port: "53"}]`, "53/SCTP", "allowed"],
    [`[{port: "53"}]`, "54/UDP", "denied"],
    [`[{port: "53"}]`, "/ICMPv4", "denied"],
    [`[{port: "53", protocol: UDP}]`, "53/TCP", "denied"],
    [`[{port: "8000", endPort: 8080, protocol: TCP}]`, "8080/TCP", "allowed"],
    [`[{port: "8000", endPort: 8080, protocol: TCP}]`, "7999/TCP", "denied"],
    [`[{port: "8000", endPort: 8080, protocol: TCP}]`, "8081/TCP", "denied"],
    [`[{port: "0", protocol: UDP}]`, "9999/UDP", "allowed"],
    [`[{port: "0", protocol: UDP}]`, "9999/TCP", "denied"],
    [`[{port: "80"}, {port: "443"}]`, "443/TCP", "allowed"],
  ])("ports %s admit %s: %s", (ports, port, expected) => {
    expect(scenario(cnp(`  ingress: [{fromEndpoints: [{}], toPorts: [{ports: ${ports}}]}]`))(frontend, backend, port).ingress.verdict).toBe(expected);
  });
});

describe("namespaces (kubernetes: CNP peers default to the policy namespace; namespace labels need a CCNP)", () => {
  it.each([
    ["fromEndpoints: [{}]", frontend, "allowed"],
    ["fromEndpoints: [{}]", prodPod, "denied"],
    ["fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: prod}}]", prodPod, "allowed"],
    ["fromEndpoints: [{matchExpressions: [{key: k8s:io.kubernetes.pod.namespace, operator: Exists}]}]", prodPod, "allowed"],
    // A CNP selector on namespace labels stays limited to the policy's own namespace.
    ["fromEndpoints: [{matchLabels: {k8s:io.cilium.k8s.namespace.labels.env: prod}}]", prodPod, "denied"],
  ])("CNP %s admits %j: %s", (peer, src, expected) => {
    expect(scenario(cnp(`  ingress: [{${peer}}]`))(src, backend).ingress.verdict).toBe(expected);
  });

  it("a CCNP selector on namespace labels selects pods across namespaces", () => {
    const run = scenario(`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: from-prod}
spec:
  endpointSelector: {matchLabels: {role: backend}}
  ingress: [{fromEndpoints: [{matchLabels: {k8s:io.cilium.k8s.namespace.labels.env: prod}}]}]
`);
    expect(run(prodPod, backend).ingress.verdict).toBe("allowed");
    expect(run(frontend, backend).ingress.verdict).toBe("denied");
    expect(run(prodPod, pod("kube-system", { role: "backend" })).ingress.verdict).toBe("allowed");
  });
});

describe("deny precedence (deny policies: deny wins over allows of any kind; deny-only still isolates)", () => {
  const allowAll = `  ingress: [{fromEntities: [all]}]\n`;
  it.each([
    ["ingressDeny: [{fromEndpoints: [{matchLabels: {role: frontend}}]}]", frontend, "80/TCP", "denied"],
    ["ingressDeny: [{fromEndpoints: [{matchLabels: {role: frontend}}]}]", pod("default", { role: "x" }), "80/TCP", "allowed"],
    ["ingressDeny: [{toPorts: [{ports: [{port: '80'}]}]}]", frontend, "80/TCP", "denied"],
    ["ingressDeny: [{toPorts: [{ports: [{port: '80'}]}]}]", frontend, "81/TCP", "allowed"],
    ["ingressDeny: [{fromEntities: [world]}]", world("8.8.8.8"), "80/TCP", "denied"],
    ["ingressDeny: [{fromCIDR: [8.8.0.0/16]}]", world("8.8.8.8"), "80/TCP", "denied"],
    ["ingressDeny: [{fromCIDR: [8.8.0.0/16]}]", world("9.9.9.9"), "80/TCP", "allowed"],
  ])("allow all + %s: %j on %s -> %s", (deny, src, port, expected) => {
    expect(scenario(cnp(`${allowAll}  ${deny}`))(src, backend, port).ingress.verdict).toBe(expected);
  });

  it("a CCNP deny beats a NetworkPolicy allow and a CNP allow on the same endpoint", () => {
    const run = scenario(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-allow, namespace: default}
spec: {podSelector: {}, ingress: [{}]}
---
${cnp(allowAll, "cnp-allow")}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-frontend}
spec:
  endpointSelector: {}
  ingressDeny: [{fromEndpoints: [{matchLabels: {role: frontend}}]}]
`);
    const e = run(frontend, backend);
    expect(e.ingress.verdict).toBe("denied");
    expect(e.ingress.rules).toMatchObject([{ action: "deny", policy: { kind: "CiliumClusterwideNetworkPolicy" } }]);
    expect(run(pod("default", { role: "x" }), backend).ingress.rules.map((r) => r.policy.kind).sort()).toEqual(["CiliumNetworkPolicy", "NetworkPolicy"]);
  });
});

describe("HTTP headers (Cilium splits 'Name: value' at the first space)", () => {
  const run = scenario(cnp(`  ingress: [{toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{headers: ["X-Token: abc def", "X-Present"]}]}}]}]`));
  const req = (headers: { key: string; value: string }[]) => ({ kind: "http", method: "GET", path: "/", host: "b", headers }) as const;
  it.each([
    [[{ key: "x-token", value: "abc def" }, { key: "X-Present", value: "" }], "allowed"],
    [[{ key: "X-Token", value: "abc" }, { key: "X-Present", value: "1" }], "denied"],
    [[{ key: "X-Token", value: "abc def" }], "denied"],
  ])("%j -> %s", (headers, expected) => {
    expect(run(frontend, backend, "80/TCP", req(headers)).ingress.verdict).toBe(expected);
  });
});
