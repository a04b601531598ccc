// npm run bench:audit — the over-permission count (computeOverPermission) on a synthetic
// cluster: 1,000 workloads over 20 namespaces, ~5,600 workload edges plus some world
// egress, and a recommended-style policy set (per workload one ingress and one egress
// NetworkPolicy selecting it by app label and allowing exactly its observed peers and
// ports, plus a default-deny per namespace). Prints the numbers behind each ratio and the
// time of each run; the target is well under 1 s per run. For scale, it also times the
// evaluator on a sample of candidate triples and extrapolates what enumerating all of
// them would cost. Options:
//   --workloads N          workloads (default 1000), spread over --namespaces
//   --namespaces N         namespaces (default 20)
//   --runs N               timed runs after one warm-up (default 5)
//   --summary-json FILE    also write the figures as {"bench":"audit","rows":[...]} for `npm run bench`
// Run: `npx tsx bench/audit.ts`, or `npm run build && node dist/bench/audit.js`.
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { computeOverPermission, createPolicyView } from "../src/audit/index.js";
import type { OverPermission } from "../src/audit/index.js";
import type { Identity, WorkloadIdentity } from "../src/flows/index.js";
import type { ObservedEdge, ObservedGraph } from "../src/graph/index.js";
import { compilePolicyModel, parsePolicyDocuments } from "../src/policy/index.js";
import type { SourceDocument } from "../src/policy/index.js";
import { fmt, median } from "./harness/stats.js";
import { atMostRow, infoRow, writeSummary } from "./harness/summary.js";

const { values } = parseArgs({
  options: {
    workloads: { type: "string", default: "1000" },
    namespaces: { type: "string", default: "20" },
    runs: { type: "string", default: "5" },
    "summary-json": { type: "string" },
  },
});
const WORKLOADS = Number(values.workloads);
const NAMESPACES = Number(values.namespaces);
const RUNS = Math.max(1, Number(values.runs));
const TARGET_MS = 1000;
const T0 = Date.UTC(2026, 2, 1);
const SERVICE_PORTS = [80, 443, 8080, 9090, 5432, 6379, 3306, 9200, 5672, 11211, 2379, 8443, 9000, 50051, 27017, 8081, 3000, 7000, 4222, 6443];

let seed = 7;
function random(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}

function workload(ns: number, i: number): WorkloadIdentity {
  const namespace = `ns-${ns}`;
  const name = `app-${ns}-${i}`;
  const labels = { app: name, tier: ["web", "api", "db"][i % 3] ?? "web" };
  return {
    kind: "workload", key: `${namespace}/Deployment/${name}`, cluster: "", namespace, workloadKind: "Deployment", name, labels,
    namespaceLabels: { "kubernetes.io/metadata.name": namespace }, serviceAccount: name,
    ciliumLabels: [
      ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
      `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${namespace}`,
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
      `k8s:io.cilium.k8s.policy.serviceaccount=${name}`,
    ],
  };
}

function edgeOf(source: Identity, destination: Identity, port: number): ObservedEdge {
  return {
    source: source.key, destination: destination.key, protocol: "TCP", port, firstSeenMs: T0, lastSeenMs: T0 + 3_600_000,
    connections: 10, connectionsByVerdict: { FORWARDED: 10 }, requests: 0, requestsByVerdict: {}, existing: 0, dropReasons: {}, sides: [], http: [], dns: [],
  };
}

const perNamespace = Math.ceil(WORKLOADS / NAMESPACES);
const workloads = Array.from({ length: WORKLOADS }, (_, i) => workload(Math.floor(i / perNamespace), i % perNamespace));
const world: Identity[] = Array.from({ length: 20 }, (_, i) => ({ kind: "reserved", key: `world:203.0.113.${i + 1}`, entity: "world", ip: `203.0.113.${i + 1}`, dnsNames: [], ciliumLabels: ["reserved:world"] }));
const servePort = new Map(workloads.map((w, i) => [w.key, SERVICE_PORTS[i % SERVICE_PORTS.length] ?? 80]));
const edges: ObservedEdge[] = [];
const peersOf = new Map<string, WorkloadIdentity[]>(workloads.map((w) => [w.key, []]));
const seen = new Set<string>();
for (const [i, w] of workloads.entries()) {
  // 5 or 6 distinct callees each (5.6 on average): four in the caller's namespace, the rest anywhere.
  const count = i % 5 < 3 ? 6 : 5;
  const ns = Math.floor(i / perNamespace);
  for (let added = 0, tries = 0; added < count && tries < 100; tries++) {
    const target = added < 4 ? workloads[ns * perNamespace + random(Math.min(perNamespace, WORKLOADS - ns * perNamespace))] : workloads[random(workloads.length)];
    if (target === undefined || target === w || seen.has(`${w.key}|${target.key}`)) continue;
    seen.add(`${w.key}|${target.key}`);
    edges.push(edgeOf(w, target, servePort.get(target.key) ?? 80));
    peersOf.get(target.key)?.push(w);
    added++;
  }
  if (i % 10 === 0) edges.push(edgeOf(w, world[random(world.length)] ?? w, 443));
}

/** A NetworkPolicy peer selecting `peer` from a policy in `namespace`. */
function peerSelector(peer: WorkloadIdentity, namespace: string): unknown {
  const pod = { podSelector: { matchLabels: { app: peer.name } } };
  return peer.namespace === namespace ? pod : { ...pod, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } } };
}

const objects: unknown[] = [];
for (let ns = 0; ns < NAMESPACES; ns++) {
  objects.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: `ns-${ns}` }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
}
const byKey = new Map(workloads.map((w) => [w.key, w]));
const calleesOf = new Map<string, { target: WorkloadIdentity; port: number }[]>();
for (const e of edges) {
  const target = byKey.get(e.destination);
  if (target === undefined) continue;
  const list = calleesOf.get(e.source);
  if (list === undefined) calleesOf.set(e.source, [{ target, port: e.port }]);
  else list.push({ target, port: e.port });
}
for (const [i, w] of workloads.entries()) {
  const selector = { matchLabels: { app: w.name } };
  const callers = peersOf.get(w.key) ?? [];
  objects.push({
    apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: `${w.name}-ingress`, namespace: w.namespace },
    spec: {
      podSelector: selector, policyTypes: ["Ingress"],
      ingress: callers.length === 0 ? [] : [{ from: callers.map((c) => peerSelector(c, w.namespace)), ports: [{ port: servePort.get(w.key), protocol: "TCP" }] }],
    },
  });
  const callees = calleesOf.get(w.key) ?? [];
  objects.push({
    apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: `${w.name}-egress`, namespace: w.namespace },
    spec: {
      podSelector: selector, policyTypes: ["Egress"],
      egress: [
        ...callees.map((c) => ({ to: [peerSelector(c.target, w.namespace)], ports: [{ port: c.port, protocol: "TCP" }] })),
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }] },
        ...(i % 10 === 0 ? [{ to: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ port: 443, protocol: "TCP" }] }] : []),
      ],
    },
  });
}

const graph: ObservedGraph = {
  window: { sinceMs: T0, untilMs: T0 + 86_400_000 },
  identities: [...workloads, ...world].map((identity) => ({ identity, firstSeenMs: T0, lastSeenMs: T0 + 86_400_000 })),
  edges,
};
const docs: SourceDocument[] = objects.map((object, documentIndex) => ({ origin: { source: "file", file: "bench.yaml", documentIndex }, object }));
const t0 = performance.now();
const parsed = parsePolicyDocuments(docs);
if (parsed.problems.length > 0) throw new Error(`benchmark policies have problems: ${JSON.stringify(parsed.problems[0])}`);
const model = compilePolicyModel(parsed);
const compileMs = performance.now() - t0;

function timed(): { result: OverPermission; ms: number; cpuMs: number } {
  const view = createPolicyView(model);
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = computeOverPermission(graph, view);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { result, ms, cpuMs: (used.user + used.system) / 1000 };
}

timed();
const runs = Array.from({ length: RUNS }, timed);
const result = runs[0]?.result;
if (result === undefined) throw new Error("no run");
const ms = median(runs.map((r) => r.ms));
const cpuMs = median(runs.map((r) => r.cpuMs));

// What enumerating every candidate with the evaluator would cost, from a sample.
const sampleView = createPolicyView(model);
const pods = [...workloads];
const sample = 20_000;
const ts = performance.now();
for (let i = 0; i < sample; i++) {
  const s = pods[random(pods.length)] ?? workloads[0];
  const d = pods[random(pods.length)] ?? workloads[0];
  if (s === undefined || d === undefined) continue;
  sampleView.evaluator.evaluate({ source: sampleView.endpoint(s), destination: sampleView.endpoint(d), protocol: "TCP", port: SERVICE_PORTS[random(SERVICE_PORTS.length)] ?? 80 });
}
const perEvaluationMs = (performance.now() - ts) / sample;

const ratioText = (r: number | undefined): string => (r === undefined ? "n/a" : r.toFixed(2));
const ranked = [...result.byNamespace].sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0));
process.stdout.write(
  [
    `policies: ${fmt(model.policies.length)} (${fmt(model.sections.length)} sections, ${fmt(model.selectorCount)} selectors), parse+compile ${compileMs.toFixed(0)} ms`,
    `graph: ${fmt(result.workloads)} workloads + ${result.newPods} new pods over ${NAMESPACES} namespaces, ${fmt(edges.length)} edges, ${result.ports.length} ports into workloads, ${result.peers.identities} world addresses`,
    `candidates: ${fmt(result.candidates)} workload triples, ${fmt(result.peers.candidates)} peer triples`,
    `workload triples: ${fmt(result.allowed)} allowed (${fmt(result.newPodAllowed)} with a new pod), ${fmt(result.explicitAllowed)} explicitly, ${fmt(result.used)} used, ${result.usedButDenied} used but denied: ratio ${ratioText(result.ratio)}, explicit ${ratioText(result.explicitRatio)}`,
    `peer triples: ${fmt(result.peers.allowed)} allowed, ${fmt(result.peers.used)} used: ratio ${ratioText(result.peers.ratio)}; open to the internet ${result.peers.openToWorld}, from it ${result.peers.openFromWorld}`,
    `by namespace (highest ratios): ${ranked.slice(0, 3).map((n) => `${n.namespace} ${fmt(n.allowed)}/${fmt(n.used)} = ${ratioText(n.ratio)}`).join(", ")}`,
    `evaluator calls: ${fmt(result.evaluations)}; enumerating every candidate would take ~${((result.candidates + result.peers.candidates) * perEvaluationMs / 1000).toFixed(0)} s at ${(perEvaluationMs * 1000).toFixed(2)} µs per evaluation`,
    `computeOverPermission: ${runs.map((r) => r.ms.toFixed(0)).join(", ")} ms (median ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms process CPU with the collector's threads; target < ${TARGET_MS} ms wall)`,
    `load average: ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} CPUs`,
    "",
  ].join("\n"),
);
writeSummary(values["summary-json"], {
  bench: "audit",
  rows: [
    infoRow("workloads", result.workloads, "workloads"),
    infoRow("candidates", result.candidates + result.peers.candidates, "triples"),
    atMostRow("computeOverPermission (median)", ms, "ms", TARGET_MS, "1,000"),
    infoRow("computeOverPermission process CPU (median)", cpuMs, "ms"),
  ],
});
