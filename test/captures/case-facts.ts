/**
 * What each capture is built to show, as checks over its lines (run by captures.test.ts):
 * if a builder stops showing its case, its test fails here rather than in a recommendation
 * test far away.
 */
import { expect } from "vitest";
import {
  destinationOf, endpointsOf, fiveTuple, flowsOf, hasFlags, isTrace, isVerdict, labelMap, portOf, reverseTuple,
} from "./flow-queries.js";
import type { CaptureName } from "./index.js";
import type { EndpointJson, FlowJson, GetFlowsResponseJson } from "./wire.js";

type Facts = (flows: readonly FlowJson[]) => void;

const isWorld = (e: EndpointJson): boolean => e.identity === 2 && e.labels.length === 1 && e.labels[0] === "reserved:world";
const requests = (flows: readonly FlowJson[]): FlowJson[] => flows.filter((f) => f.is_reply === false);
const tuples = (flows: readonly FlowJson[]): Set<string> => new Set(flows.map(fiveTuple));
const appOf = (e: EndpointJson): string | undefined => labelMap(e).get("app");

function worldIdentityPod(flows: readonly FlowJson[]): void {
  const named = (e: EndpointJson): boolean => isWorld(e) && e.pod_name !== undefined && e.namespace === "legacy";
  const asClient = requests(flows).filter((f) => named(f.source));
  const asServer = requests(flows).filter((f) => named(f.destination));
  expect(new Set(asClient.map(portOf))).toEqual(new Set(["TCP/8080"]));
  expect(new Set(asServer.map(portOf))).toEqual(new Set(["TCP/9000"]));
  expect(endpointsOf(flows).filter(named).every((e) => e.ID === undefined && e.workloads === undefined)).toBe(true);
  expect(asClient.every((f) => appOf(f.destination) === "api" && f.destination.identity !== 2)).toBe(true);
}

function l7WorldProxy(flows: readonly FlowJson[]): void {
  const l7 = flows.filter((f) => f.Type === "L7");
  const worldServer = l7.filter((f) => (f.l7?.type === "REQUEST" ? isWorld(f.destination) : isWorld(f.source)));
  expect(worldServer.length).toBeGreaterThanOrEqual(6);
  expect(worldServer.every((f) => (f.l7?.type === "REQUEST" ? f.destination : f.source).pod_name?.startsWith("catalog-v1-"))).toBe(true);
  for (const record of worldServer) {
    const tuple = record.l7?.type === "REQUEST" ? fiveTuple(record) : reverseTuple(record);
    const l3 = flows.filter((f) => f.Type === "L3_L4" && (fiveTuple(f) === tuple || reverseTuple(f) === tuple));
    const server = (f: FlowJson): EndpointJson => (fiveTuple(f) === tuple ? f.destination : f.source);
    expect(l3.length).toBeGreaterThan(0);
    expect(l3.every((f) => !isWorld(server(f)) && server(f).identity === 9_042)).toBe(true);
    expect(l3.some((f) => f.verdict === "REDIRECTED" && isVerdict(f))).toBe(true);
    expect(l3.some((f) => f.trace_observation_point === "TO_PROXY")).toBe(true);
    expect(l3.some((f) => f.trace_observation_point === "TO_ENDPOINT" && f.is_reply === true)).toBe(true);
  }
  // The server on the client's node is resolved in the L7 records too.
  expect(l7.filter((f) => f.Summary.includes("cart:8080")).every((f) => !isWorld(f.source) && !isWorld(f.destination))).toBe(true);
}

function cronjobNoTemplateLabels(flows: readonly FlowJson[]): void {
  const report = endpointsOf(flows).filter((e) => e.pod_name?.startsWith("report-") === true);
  const keys = new Set(report.flatMap((e) => [...labelMap(e).keys()]));
  expect([...keys].filter((k) => !k.startsWith("io.")).sort()).toEqual([
    "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name",
  ]);
  expect(new Set(report.map((e) => e.identity)).size).toBe(2);
  for (const e of report) {
    const minutes = Number(/^report-(\d+)-/.exec(e.pod_name ?? "")?.[1]);
    expect(labelMap(e).get("job-name")).toBe(`report-${minutes}`);
    expect(minutes * 60_000).toBeLessThan(Date.parse(flows[0]?.time ?? ""));
  }
  const neighbours = endpointsOf(flows).filter((e) => e.namespace === "billing" && !report.includes(e));
  expect(new Set(neighbours.map(appOf))).toEqual(new Set(["invoice-api", "postgres"]));
  const fromReport = requests(flows).filter((f) => f.source.pod_name?.startsWith("report-") === true);
  expect(new Set(fromReport.map(portOf))).toEqual(new Set(["TCP/5432", "UDP/53"]));
}

function barePodSharingLabels(flows: readonly FlowJson[]): void {
  const callers = requests(flows).filter((f) => appOf(f.source) === "web").map((f) => f.source);
  const bySa = new Map(callers.map((e) => [labelMap(e).get("io.cilium.k8s.policy.serviceaccount"), e]));
  expect([...bySa.keys()].sort()).toEqual(["debug", "web"]);
  const strip = (e: EndpointJson | undefined): string[] => (e?.labels ?? []).filter((l) => !l.includes("serviceaccount"));
  expect(strip(bySa.get("debug"))).toEqual(strip(bySa.get("web")));
  expect(bySa.get("debug")?.identity).not.toBe(bySa.get("web")?.identity);
  expect(bySa.get("debug")?.workloads).toEqual([{ name: "web-debug", kind: "Pod" }]);
  expect(new Set(requests(flows).filter((f) => appOf(f.source) === "web").map(portOf))).toEqual(new Set(["TCP/8080"]));
}

function nodeLocalDns(flows: readonly FlowJson[]): void {
  const toCache = requests(flows).filter((f) => f.IP.destination === "169.254.20.10");
  expect(toCache.every((f) => f.destination.identity === 1 && f.destination.labels[0] === "reserved:host")).toBe(true);
  expect(new Set(toCache.map(portOf))).toEqual(new Set(["UDP/53", "TCP/53"]));
  const upstream = flows.filter((f) => f.destination.pod_name?.startsWith("kube-dns-") === true && portOf(f) === "UDP/53");
  expect(new Set(upstream.map((f) => f.source.identity))).toEqual(new Set([1, 6]));
}

function udpNoIsReply(flows: readonly FlowJson[]): void {
  const absent = flows.filter((f) => isTrace(f) && f.is_reply === undefined);
  const settled = flows.filter((f) => f.is_reply !== undefined);
  const settledTuples = tuples(settled);
  const settledRequests = tuples(requests(flows));
  const servedPorts = new Set(requests(flows).map(destinationOf));
  const shapes = new Set(absent.map((f) => {
    if (settledTuples.has(fiveTuple(f))) return "a: same 5-tuple settled";
    if (settledRequests.has(reverseTuple(f))) return "b: reverse is a request";
    if (servedPorts.has(destinationOf(f))) return "c: destination serves the port";
    return "d: nothing settles it";
  }));
  expect([...shapes].sort()).toEqual([
    "a: same 5-tuple settled", "b: reverse is a request", "c: destination serves the port", "d: nothing settles it",
  ]);
  expect(new Set(absent.map((f) => f.trace_observation_point))).toEqual(new Set(["TO_OVERLAY", "TO_STACK"]));
  expect(absent.every((f) => "UDP" in f.l4 && f.traffic_direction === undefined)).toBe(true);
}

function dnsProxyUpstream(flows: readonly FlowJson[]): void {
  const dns = flows.filter((f) => f.l7?.dns !== undefined);
  expect(dns.some((f) => f.l7?.type === "REQUEST" && f.l7.dns?.qtypes?.[0] === "A")).toBe(true);
  expect(dns.some((f) => f.l7?.type === "RESPONSE" && (f.l7.dns?.ips?.length ?? 0) > 0)).toBe(true);
  expect(dns.some((f) => f.l7?.type === "RESPONSE" && f.l7.dns?.rcode === 3)).toBe(true);
  expect(flows.some((f) => f.verdict === "REDIRECTED" && isVerdict(f) && portOf(f) === "UDP/53" && f.is_reply === false)).toBe(true);
  expect(flows.some((f) => f.trace_observation_point === "TO_PROXY" && portOf(f) === "UDP/53")).toBe(true);
  const upstream = flows.filter((f) => portOf(f) === "UDP/53" && [1, 6].includes(f.source.identity));
  expect(upstream.every((f) => f.is_reply === undefined)).toBe(true);
  expect(new Set(upstream.map((f) => `${f.source.identity} ${f.trace_observation_point ?? ""}`)))
    .toEqual(new Set(["6 TO_OVERLAY", "6 TO_ENDPOINT", "1 TO_ENDPOINT"]));
  expect(flows.some((f) => f.source.labels.includes("k8s:k8s-app=kube-dns") && [1, 6].includes(f.destination.identity))).toBe(true);
}

function icmp(flows: readonly FlowJson[]): void {
  const seen = new Set(flows.map((f) => `${portOf(f)} ${String(f.is_reply)}`));
  for (const s of ["ICMPv4/8 false", "ICMPv4/0 true", "ICMPv6/128 false", "ICMPv6/129 true"]) expect(seen).toContain(s);
  expect(flows.filter((f) => "ICMPv6" in f.l4).every((f) => f.IP.ipVersion === "IPv6")).toBe(true);
  expect(flows.some((f) => "ICMPv4" in f.l4 && isWorld(f.destination))).toBe(true);
  expect(flows.some((f) => "ICMPv4" in f.l4 && f.l4.ICMPv4.type === undefined)).toBe(true);
}

function twoClusters(flows: readonly FlowJson[]): void {
  const apis = requests(flows).filter((f) => appOf(f.destination) === "api").map((f) => f.destination);
  expect(new Set(apis.map((e) => e.cluster_name))).toEqual(new Set(["east", "west"]));
  expect(new Set(apis.map((e) => e.identity)).size).toBe(2);
  expect(new Set(flows.map((f) => f.node_name.split("/")[0]))).toEqual(new Set(["east", "west"]));
  expect(requests(flows).every((f) => f.source.cluster_name === "east")).toBe(true);
}

function auditVerdicts(flows: readonly FlowJson[]): void {
  const audits = flows.filter((f) => f.verdict === "AUDIT");
  expect(audits.length).toBeGreaterThan(0);
  expect(audits.every((f) => isVerdict(f) && f.policy_match_type === undefined)).toBe(true);
  for (const audit of audits) {
    expect(flows.some((f) => isTrace(f) && f.verdict === "FORWARDED" && fiveTuple(f) === fiveTuple(audit))).toBe(true);
  }
  const client = audits[0]?.source.pod_name;
  const allowedPorts = new Set(flows.filter((f) => isVerdict(f) && f.verdict === "FORWARDED" && f.source.pod_name === client).map(portOf));
  expect(allowedPorts.has("TCP/5432")).toBe(true);
  expect(flows.some((f) => f.verdict === "DROPPED")).toBe(false);
}

function kubeApiserverMulti(flows: readonly FlowJson[]): void {
  const toApi = flows.filter((f) => f.destination.identity === 7);
  expect(new Set(toApi.map((f) => f.IP.destination)).size).toBe(3);
  expect(new Set(toApi.map(portOf))).toEqual(new Set(["TCP/6443"]));
  expect(toApi.every((f) => f.destination_service?.name === "kubernetes" && f.destination_service.namespace === "default")).toBe(true);
  expect(flows.some((f) => f.source.identity === 7 && hasFlags(f, "SYN", "ACK") && f.is_reply === true)).toBe(true);
  expect(new Set(toApi.map((f) => f.source.workloads?.[0]?.kind))).toEqual(new Set(["Deployment", "DaemonSet"]));
}

function publicIngress(flows: readonly FlowJson[]): void {
  const fromWorld = requests(flows).filter((f) => isWorld(f.source));
  expect(new Set(fromWorld.map((f) => f.IP.source)).size).toBe(40);
  expect(new Set(fromWorld.map(portOf))).toEqual(new Set(["TCP/443", "TCP/80"]));
  expect(fromWorld.every((f) => f.destination.pod_name?.startsWith("ingress-nginx-controller-") === true)).toBe(true);
  expect(requests(flows).some((f) => appOf(f.destination) === "web" && portOf(f) === "TCP/8080")).toBe(true);
  const drops = flows.filter((f) => f.event_type.type === 1);
  expect(drops.every((f) => f.drop_reason_desc === "POLICY_DENIED" && portOf(f) === "TCP/22" && f.is_reply === undefined)).toBe(true);
  expect(drops.length).toBeGreaterThan(0);
}

function httpQuery(flows: readonly FlowJson[]): void {
  const urls = flows.filter((f) => f.l7?.type === "REQUEST").map((f) => f.l7?.http?.url);
  expect(urls).toContain("http://api:8080/api/search?q=shoes&page=2");
  expect(urls).toContain("http://api:8080/api/items/1234");
  expect(flows.some((f) => f.l7?.http?.method === "POST" && f.l7.http.url === "http://api:8080/api/cart")).toBe(true);
  expect(flows.filter((f) => isVerdict(f)).every((f) => f.verdict === "REDIRECTED")).toBe(true);
  expect(flows.some((f) => f.trace_observation_point === "TO_PROXY")).toBe(true);
}

/** The checks of each case. */
export const CASE_FACTS: Readonly<Record<CaptureName, Facts>> = {
  "world-identity-pod": worldIdentityPod,
  "l7-world-proxy": l7WorldProxy,
  "cronjob-no-template-labels": cronjobNoTemplateLabels,
  "bare-pod-sharing-labels": barePodSharingLabels,
  "node-local-dns": nodeLocalDns,
  "udp-no-is-reply": udpNoIsReply,
  "dns-proxy-upstream": dnsProxyUpstream,
  icmp,
  "two-clusters": twoClusters,
  "audit-verdicts": auditVerdicts,
  "kube-apiserver-multi": kubeApiserverMulti,
  "public-ingress": publicIngress,
  "http-query": httpQuery,
};

/** Runs the checks of case `name` on its lines. */
export function checkCaseFacts(name: CaptureName, lines: readonly GetFlowsResponseJson[]): void {
  CASE_FACTS[name](flowsOf(lines));
}
