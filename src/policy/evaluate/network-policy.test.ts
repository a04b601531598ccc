import { describe, expect, it } from "vitest";
import { KUBERNETES_EXAMPLES, PATHOLOGICAL_EXAMPLES } from "../testdata/example-policies.js";
import { pod, reserved, scenario, verdicts, world } from "../testdata/harness.js";

const db = pod("default", { role: "db" }, { podName: "db-0", ip: "10.1.0.10" });
const frontend = pod("default", { role: "frontend" }, { podName: "web-0", ip: "10.1.0.20" });
const other = pod("default", { role: "other" }, { ip: "10.1.0.30" });
const myproject = pod("myproject", { app: "x" }, { ip: "10.2.0.5" });
const prodFrontend = pod("prod", { role: "frontend" }, { ip: "10.3.0.5" });

describe("NetworkPolicy: test-network-policy from the Kubernetes docs", () => {
  const run = scenario(KUBERNETES_EXAMPLES["test-network-policy"] ?? "");
  it.each([
    ["frontend in same namespace on 6379", frontend, db, "6379/TCP", "allowed not-isolated/allowed"],
    ["frontend on another port", frontend, db, "6380/TCP", "denied not-isolated/denied"],
    ["frontend on UDP 6379", frontend, db, "6379/UDP", "denied not-isolated/denied"],
    ["any pod of namespace project=myproject", myproject, db, "6379/TCP", "allowed not-isolated/allowed"],
    ["role=frontend in another namespace (podSelector alone is namespace-local)", prodFrontend, db, "6379/TCP", "denied not-isolated/denied"],
    ["other pod in same namespace", other, db, "6379/TCP", "denied not-isolated/denied"],
    ["external address inside ipBlock", world("172.17.2.9"), db, "6379/TCP", "allowed not-isolated/allowed"],
    ["external address in except range", world("172.17.1.9"), db, "6379/TCP", "denied not-isolated/denied"],
    ["db egress to 10.0.0.0/24 on 5978", db, world("10.0.0.7"), "5978/TCP", "allowed allowed/not-isolated"],
    ["db egress elsewhere", db, world("10.0.1.7"), "5978/TCP", "denied denied/not-isolated"],
    ["pods not selected are not isolated", frontend, other, "1/TCP", "allowed not-isolated/not-isolated"],
  ])("%s", (_name, src, dst, port, expected) => {
    expect(verdicts(run(src, dst, port))).toBe(expected);
  });

  it("names the rule, peer and port that allowed", () => {
    const e = run(myproject, db, "6379/TCP");
    expect(e.ingress.rules).toEqual([
      {
        policy: { kind: "NetworkPolicy", namespace: "default", name: "test-network-policy" },
        direction: "ingress",
        action: "allow",
        ruleIndex: 0,
        peerIndex: 1,
        portIndex: 0,
        path: "spec.ingress[0].from[1]",
      },
    ]);
  });
});

describe("NetworkPolicy: defaults and empty versus missing", () => {
  it.each([
    ["default-deny-ingress", frontend, db, "denied not-isolated/denied"],
    ["allow-all-ingress", frontend, db, "allowed not-isolated/allowed"],
    ["allow-all-ingress", world("8.8.8.8"), db, "allowed not-isolated/allowed"],
    ["default-deny-egress", db, frontend, "denied denied/not-isolated"],
    ["allow-all-egress", db, world("8.8.8.8"), "allowed allowed/not-isolated"],
    ["default-deny-all", db, frontend, "denied denied/denied"],
    ["empty-from-list", other, db, "allowed not-isolated/allowed"],
    ["egress-rules-ignored-without-policy-type", db, world("8.8.8.8"), "allowed not-isolated/not-isolated"],
  ])("%s: %s", (name, src, dst, expected) => {
    const run = scenario(KUBERNETES_EXAMPLES[name] ?? PATHOLOGICAL_EXAMPLES[name] ?? "");
    expect(verdicts(run(src, dst))).toBe(expected);
  });

  it("replies need no rule: only the connection's direction is evaluated", () => {
    const run = scenario(KUBERNETES_EXAMPLES["default-deny-all"] ?? "");
    // The reply of db→frontend is evaluated as db→frontend by the caller; nothing else applies.
    expect(run(db, frontend).verdict).toBe("denied");
  });
});

const peers = (from: string): string => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: peers, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: ${from}}]
`;

describe("NetworkPolicy: namespaceSelector and podSelector in one peer versus two peers", () => {
  const prodWeb = pod("prod", { app: "web" });
  const prodApi = pod("prod", { app: "api" });
  const defaultWeb = pod("default", { app: "web" });
  const cases: [string, string, Record<string, string>][] = [
    // One peer: AND. Only app=web pods in env=prod namespaces.
    ["[{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: web}}}]", "AND", { prodWeb: "allowed", prodApi: "denied", defaultWeb: "denied" }],
    // Two peers: OR. Any pod in env=prod, or app=web in the policy namespace.
    ["[{namespaceSelector: {matchLabels: {env: prod}}}, {podSelector: {matchLabels: {app: web}}}]", "OR", { prodWeb: "allowed", prodApi: "allowed", defaultWeb: "allowed" }],
    // Empty namespaceSelector: every namespace.
    ["[{namespaceSelector: {}}]", "all namespaces", { prodWeb: "allowed", prodApi: "allowed", defaultWeb: "allowed" }],
    // Empty podSelector: every pod of the policy namespace only.
    ["[{podSelector: {}}]", "own namespace", { prodWeb: "denied", prodApi: "denied", defaultWeb: "allowed" }],
    // namespaceSelector on the automatic name label.
    ["[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod}}}]", "by name", { prodWeb: "allowed", prodApi: "allowed", defaultWeb: "denied" }],
    ["[{namespaceSelector: {matchExpressions: [{key: team, operator: NotIn, values: [a]}]}}]", "NotIn", { prodWeb: "denied", prodApi: "denied", defaultWeb: "allowed" }],
    ["[{namespaceSelector: {matchExpressions: [{key: team, operator: Exists}]}}]", "Exists", { prodWeb: "allowed", prodApi: "allowed", defaultWeb: "denied" }],
    ["[{namespaceSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}, podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}}]", "DoesNotExist+In", { prodWeb: "denied", prodApi: "denied", defaultWeb: "allowed" }],
  ];
  it.each(cases)("%s (%s)", (from, _label, expected) => {
    const run = scenario(peers(from));
    const got = {
      prodWeb: run(prodWeb, db).ingress.verdict,
      prodApi: run(prodApi, db).ingress.verdict,
      defaultWeb: run(defaultWeb, db).ingress.verdict,
    };
    expect(got).toEqual(expected);
  });
});

describe("NetworkPolicy: ports", () => {
  const ports = (list: string): string => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ports, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{ports: ${list}}]
`;
  it.each([
    ["[{port: 6379}]", "6379/TCP", "allowed"],
    ["[{port: 6379}]", "6379/UDP", "denied"],
    ["[{protocol: UDP}]", "53/UDP", "allowed"],
    ["[{protocol: UDP}]", "53/TCP", "denied"],
    ["[{port: redis}]", "6379/TCP", "allowed"],
    ["[{port: redis}]", "6380/TCP", "denied"],
    ["[{port: 6000, endPort: 7000, protocol: TCP}]", "6379/TCP", "allowed"],
    ["[{port: 6000, endPort: 7000, protocol: TCP}]", "7001/TCP", "denied"],
  ])("upstream: %s admits %s: %s", (list, port, expected) => {
    expect(scenario(ports(list), "upstream")(frontend, db, port).ingress.verdict).toBe(expected);
  });

  it("a named port on the wrong protocol does not resolve", () => {
    const run = scenario(PATHOLOGICAL_EXAMPLES["named-port-udp"] ?? "");
    // redis is TCP on the pod, so `redis/UDP` matches nothing; metrics is UDP 9121.
    expect(run(frontend, db, "6379/TCP").ingress.verdict).toBe("denied");
    expect(run(frontend, db, "6379/UDP").ingress.verdict).toBe("denied");
    expect(run(frontend, db, "9121/UDP").ingress.verdict).toBe("allowed");
  });

  it("cilium: endPort is reported as unsupported, not guessed", () => {
    const e = scenario(ports("[{port: 6000, endPort: 7000}]"))(frontend, db, "6379/TCP");
    expect(e.ingress.verdict).toBe("denied");
    expect(e.unsupported).toMatchObject([{ construct: "NetworkPolicy endPort", path: "spec.ingress[0].ports[0]" }]);
  });

  it("cilium: SCTP is reported as unsupported", () => {
    const e = scenario(ports("[{port: 9000, protocol: SCTP}]"))(frontend, db, "9000/SCTP");
    expect(e.unsupported).toMatchObject([{ construct: "NetworkPolicy SCTP" }]);
  });
});

describe("NetworkPolicy: semantics profiles", () => {
  const ipBlockPods = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ipblock-pods, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.128/25]}}]}]
`;
  it.each([
    ["cilium", "denied"],
    ["upstream", "allowed"],
  ] as const)("%s: ipBlock containing a pod IP -> %s", (semantics, expected) => {
    expect(scenario(ipBlockPods, semantics)(frontend, db).ingress.verdict).toBe(expected);
  });

  it.each([
    ["cilium", "denied"],
    ["upstream", "allowed"],
  ] as const)("%s: ipBlock containing a remote node IP -> %s", (semantics, expected) => {
    expect(scenario(ipBlockPods, semantics)(reserved("remote-node", "10.0.0.2"), db).ingress.verdict).toBe(expected);
  });

  it("both: the except range is honoured", () => {
    const excepted = pod("default", { role: "frontend" }, { ip: "10.1.0.200" });
    expect(scenario(ipBlockPods, "upstream")(excepted, db).ingress.verdict).toBe("denied");
  });

  it.each([
    ["cilium", "ingress", "allowed"],
    ["cilium", "egress", "denied"],
    ["upstream", "ingress", "allowed"],
    ["upstream", "egress", "allowed"],
  ] as const)("%s: %s with the local host under default deny -> %s", (semantics, direction, expected) => {
    const run = scenario(KUBERNETES_EXAMPLES["default-deny-all"] ?? "", semantics);
    const e = direction === "ingress" ? run(reserved("host"), db) : run(db, reserved("host"));
    expect(e[direction].verdict).toBe(expected);
  });

  it.each([
    ["cilium", "denied"],
    ["upstream", "allowed"],
  ] as const)("%s: a pod talking to itself under default deny -> %s", (semantics, expected) => {
    expect(scenario(KUBERNETES_EXAMPLES["default-deny-ingress"] ?? "", semantics)(db, db).ingress.verdict).toBe(expected);
  });

  it.each([
    ["cilium", "not-isolated"],
    ["upstream", "denied"],
  ] as const)("%s: selecting on pod-template-hash (not identity-relevant in Cilium) -> %s", (semantics, expected) => {
    // The label comes from the Pod object; Cilium drops it from identities.
    const dbFromInventory = { labels: [], namespace: "default", podName: "db-0" };
    const e = scenario(PATHOLOGICAL_EXAMPLES["select-on-hash-label"] ?? "", semantics)(other, dbFromInventory);
    expect(e.ingress.verdict).toBe(expected);
  });
});
