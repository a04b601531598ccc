/**
 * Policy benchmark: parse + compile 2,000 policies over 500 namespaces, then evaluate
 * 1,000,000 connections between pods and external peers on one core: with new endpoint
 * objects per flow (as decoded from Hubble; with and without identity numbers) and with
 * reused endpoint objects.
 * `--write-policies DIR --from-flows FILE` instead writes about three policies per workload
 * seen in a flow file (from `hubble-auditor generate`) into DIR, for timing `simulate`.
 * Options: `--flows N` evaluations per mode (default 1,000,000), `--summary-json FILE` (also
 * write the figures for `npm run bench`).
 * Run: `npx tsx bench/policy.ts`, or `npm run build && node dist/bench/policy.js`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  compilePolicyModel,
  createPolicyEvaluator,
  parsePolicyDocuments,
  type ConnectionInput,
  type PolicyEndpoint,
  type SourceDocument,
} from "../src/policy/index.js";
import { atLeastRow, infoRow, writeSummary } from "./harness/summary.js";

/** The value after `name` on the command line; undefined when the option is absent. */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const NAMESPACES = 500;
const POLICIES_PER_NAMESPACE = 4;
const PODS_PER_NAMESPACE = 8;
const FLOWS = Number(option("--flows") ?? 1_000_000);
/** Evaluations per CPU-second that every evaluation mode must reach. */
const EVALUATION_TARGET = 200_000;

let seed = 42;
function random(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}

function policies(ns: string, i: number): unknown[] {
  const peerNs = `ns-${(i + 1) % NAMESPACES}`;
  return [
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "allow-app", namespace: ns },
      spec: {
        podSelector: { matchLabels: { app: "app-1" } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: "app-0" } } }], ports: [{ port: 8080 }] },
          { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peerNs } }, podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }] } }] },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "egress", namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }] },
          { to: [{ podSelector: {} }] },
          { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.96.0.0/12"] } }], ports: [{ port: 443 }] },
        ],
      },
    },
    {
      apiVersion: "cilium.io/v2",
      kind: "CiliumNetworkPolicy",
      metadata: { name: "cnp", namespace: ns },
      spec: {
        endpointSelector: { matchLabels: { tier: "web" } },
        ingress: [{ fromEntities: ["world"], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }],
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: "app-7" } }] }],
        egress: [{ toFQDNs: [{ matchPattern: "*.example.com" }], toPorts: [{ ports: [{ port: "443" }] }] }],
      },
    },
  ];
}

function endpoints(): PolicyEndpoint[] {
  const out: PolicyEndpoint[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      out.push({
        identity: 256 + n * PODS_PER_NAMESPACE + p,
        labels: [
          `k8s:io.kubernetes.pod.namespace=ns-${n}`,
          `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=ns-${n}`,
          `k8s:app=app-${p}`,
          `k8s:tier=${p % 2 === 0 ? "web" : "api"}`,
          "k8s:io.cilium.k8s.policy.cluster=default",
        ],
        namespace: `ns-${n}`,
        podName: `app-${p}-${n}`,
        ip: `10.${n >> 8}.${n & 255}.${p + 1}`,
      });
    }
  }
  for (let w = 0; w < 200; w++) out.push({ identity: 2, labels: ["reserved:world"], ip: `93.184.${w}.1`, dnsNames: [`h${w}.example.com`] });
  return out;
}

/** Policies for one workload of a generated app: namespace-local allows, world egress, a deny. */
function workloadPolicies(ns: string, app: string): unknown[] {
  const sel = { matchLabels: { "app.kubernetes.io/name": app } };
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `allow-${app}`, namespace: ns },
      spec: {
        podSelector: sel,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }, { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: 9113 }] }],
        egress: [
          { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }] },
          { to: [{ podSelector: {} }] },
        ],
      },
    },
    {
      apiVersion: "cilium.io/v2",
      kind: "CiliumNetworkPolicy",
      metadata: { name: `world-${app}`, namespace: ns },
      spec: {
        endpointSelector: sel,
        egress: [
          { toFQDNs: [{ matchPattern: "*.example.com" }], toPorts: [{ ports: [{ port: "443" }] }] },
          { toCIDRSet: [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
        ],
      },
    },
    {
      apiVersion: "cilium.io/v2",
      kind: "CiliumNetworkPolicy",
      metadata: { name: `deny-ssh-${app}`, namespace: ns },
      spec: { endpointSelector: sel, ingressDeny: [{ toPorts: [{ ports: [{ port: "22", protocol: "TCP" }] }] }] },
    },
  ];
}

function writePolicies(dir: string, flowFile: string): void {
  const seen = new Set<string>();
  for (const line of readFileSync(flowFile, "utf8").split("\n")) {
    if (line === "") continue;
    const flow = (JSON.parse(line) as { flow?: { source?: unknown; destination?: unknown } }).flow;
    for (const ep of [flow?.source, flow?.destination] as ({ namespace?: string; labels?: string[] } | undefined)[]) {
      const app = ep?.labels?.find((l) => l.startsWith("k8s:app.kubernetes.io/name="))?.split("=")[1];
      if (ep?.namespace !== undefined && ep.namespace !== "" && app !== undefined) seen.add(`${ep.namespace}/${app}`);
    }
  }
  mkdirSync(dir, { recursive: true });
  let count = 0;
  for (const key of seen) {
    const [ns = "", app = ""] = key.split("/");
    const items = workloadPolicies(ns, app);
    count += items.length;
    writeFileSync(join(dir, `${ns}-${app}.json`), JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  }
  process.stdout.write(`wrote ${count} policies for ${seen.size} workloads to ${dir}\n`);
}

const writeAt = process.argv.indexOf("--write-policies");
if (writeAt >= 0) {
  const fromAt = process.argv.indexOf("--from-flows");
  writePolicies(process.argv[writeAt + 1] ?? "policies", process.argv[fromAt + 1] ?? "flows.ndjson");
  process.exit(0);
}

const docs: SourceDocument[] = [];
for (let i = 0; i < NAMESPACES; i++) {
  for (const [j, object] of policies(`ns-${i}`, i).entries()) docs.push({ origin: { source: "file", file: `ns-${i}.yaml`, documentIndex: j }, object });
}

const t0 = performance.now();
const parsed = parsePolicyDocuments(docs);
const model = compilePolicyModel(parsed);
const compileMs = performance.now() - t0;
if (parsed.problems.length > 0) throw new Error(`benchmark policies have problems: ${JSON.stringify(parsed.problems[0])}`);
const policyCount = NAMESPACES * POLICIES_PER_NAMESPACE;

const eps = endpoints();
const ports = [[80, "TCP"], [443, "TCP"], [8080, "TCP"], [53, "UDP"], [5432, "TCP"]] as const;
const inputs: ConnectionInput[] = [];
for (let i = 0; i < 50_000; i++) {
  const source = eps[random(eps.length - 200)];
  const destination = eps[random(eps.length)];
  const [port, protocol] = ports[random(ports.length)] ?? [80, "TCP"];
  if (source !== undefined && destination !== undefined) inputs.push({ source, destination, port, protocol });
}

/** Flows arrive with new endpoint objects and new label arrays each time, as decoded from Hubble. */
function fresh(ep: PolicyEndpoint, identity: boolean): PolicyEndpoint {
  const out: { -readonly [K in keyof PolicyEndpoint]: PolicyEndpoint[K] } = { labels: ep.labels.slice() };
  if (ep.namespace !== undefined) out.namespace = ep.namespace;
  if (ep.podName !== undefined) out.podName = ep.podName;
  if (ep.ip !== undefined) out.ip = ep.ip;
  if (ep.dnsNames !== undefined) out.dnsNames = ep.dnsNames.slice();
  if (identity && ep.identity !== undefined) out.identity = ep.identity;
  return out;
}

type Mode = "fresh" | "fresh-no-identity" | "pooled";

/** Wall time and CPU time of this process: on a shared machine, CPU time is what one core did. */
function run(mode: Mode): { ms: number; cpuMs: number; counts: Record<"allowed" | "denied", number> } {
  const evaluator = createPolicyEvaluator(model);
  const counts = { allowed: 0, denied: 0 };
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < FLOWS; i++) {
    const input = inputs[i % inputs.length];
    if (input === undefined) continue;
    const withId = mode === "fresh";
    const flow = mode === "pooled" ? input : { ...input, source: fresh(input.source, withId), destination: fresh(input.destination, withId) };
    counts[evaluator.evaluate(flow).verdict]++;
  }
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, counts };
}

const results = (["fresh", "fresh-no-identity", "pooled"] as const).map((mode) => ({ mode, ...run(mode) }));
const counts = results[0]?.counts ?? { allowed: 0, denied: 0 };
const MODE_TEXT: Readonly<Record<Mode, string>> = {
  fresh: "fresh endpoint objects per flow, with identity numbers",
  "fresh-no-identity": "fresh endpoint objects per flow, labels only",
  pooled: "reused endpoint objects",
};
const rate = (n: number, ms: number): string => Math.round((n / ms) * 1000).toLocaleString("en-US");
process.stdout.write(
  [
    `policies: ${policyCount} over ${NAMESPACES} namespaces (${model.sections.length} sections, ${model.selectorCount} selectors)`,
    `parse+compile: ${compileMs.toFixed(0)} ms, ${rate(policyCount, compileMs)} policies/s`,
    ...results.map(
      (r) =>
        `evaluate (${MODE_TEXT[r.mode]}): ${FLOWS.toLocaleString("en-US")} connections in ${r.ms.toFixed(0)} ms wall, ${rate(FLOWS, r.ms)}/s; ${r.cpuMs.toFixed(0)} ms CPU, ${rate(FLOWS, r.cpuMs)} evaluations per CPU-second`,
    ),
    `load average: ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} CPUs`,
    `verdicts: ${counts.allowed} allowed, ${counts.denied} denied`,
    "",
  ].join("\n"),
);
writeSummary(option("--summary-json"), {
  bench: "policy",
  rows: [
    infoRow("parse+compile", (policyCount / compileMs) * 1000, "policies/s"),
    ...results.map((r) => atLeastRow(`evaluate, ${MODE_TEXT[r.mode]}`, (FLOWS / r.cpuMs) * 1000, "evaluations/CPU-s", EVALUATION_TARGET, "200,000")),
  ],
});
