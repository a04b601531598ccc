/**
 * Policy benchmark: parse + compile 2,000 policies over 500 namespaces, then evaluate
 * 1,000,000 connections between pods and external peers on one core.
 * Run: `npx tsx bench/policy.ts`, or `npm run build && node dist/bench/policy.js`.
 */
import { performance } from "node:perf_hooks";
import {
  compilePolicyModel,
  createPolicyEvaluator,
  parsePolicyDocuments,
  type ConnectionInput,
  type PolicyEndpoint,
  type SourceDocument,
} from "../src/policy/index.js";

const NAMESPACES = 500;
const POLICIES_PER_NAMESPACE = 4;
const PODS_PER_NAMESPACE = 8;
const FLOWS = 1_000_000;

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
  for (let w = 0; w < 200; w++) out.push({ labels: ["reserved:world"], ip: `93.184.${w}.1`, dnsNames: [`h${w}.example.com`] });
  return out;
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

const evaluator = createPolicyEvaluator(model);
const counts = { allowed: 0, denied: 0 };
const t1 = performance.now();
for (let i = 0; i < FLOWS; i++) {
  const input = inputs[i % inputs.length];
  if (input !== undefined) counts[evaluator.evaluate(input).verdict]++;
}
const evalMs = performance.now() - t1;

const rate = (n: number, ms: number): string => Math.round((n / ms) * 1000).toLocaleString("en-US");
process.stdout.write(
  [
    `policies: ${policyCount} over ${NAMESPACES} namespaces (${model.sections.length} sections, ${model.selectorCount} selectors)`,
    `parse+compile: ${compileMs.toFixed(0)} ms, ${rate(policyCount, compileMs)} policies/s`,
    `evaluate: ${FLOWS.toLocaleString("en-US")} connections in ${evalMs.toFixed(0)} ms, ${rate(FLOWS, evalMs)} evaluations/s`,
    `verdicts: ${counts.allowed} allowed, ${counts.denied} denied`,
    "",
  ].join("\n"),
);
