/** Checks shared by the recommendation tests on captures and generated runs. */
import { expect } from "vitest";
import { createPolicyView } from "../src/audit/index.js";
import { POD_LESS_KIND } from "../src/flows/index.js";
import type { WorkloadIdentity } from "../src/flows/index.js";
import type { ObservedGraph } from "../src/graph/index.js";
import { compileRecommended, policiesToYaml } from "../src/recommend/index.js";
import type { Recommendation, RecommendedPolicy } from "../src/recommend/index.js";

const PORTED = new Set(["TCP", "UDP", "SCTP"]);

function isDns(w: WorkloadIdentity): boolean {
  return ["kube-dns", "coredns"].includes(w.labels["k8s-app"] ?? w.labels["app.kubernetes.io/name"] ?? "");
}

/**
 * Property: every (workload, workload, port) triple among the observed workloads and ports
 * that was not used is denied by the set, except TCP/UDP 53 towards a DNS server (both are
 * allowed on purpose) and workloads whose policies were left out. The set must isolate
 * every observed namespace (a default-deny in each). Returns how many were checked.
 */
export function expectUnusedDenied(graph: ObservedGraph, policies: readonly RecommendedPolicy[], refusals: Recommendation["refusals"]): number {
  const compiled = compileRecommended(policies);
  if (!compiled.ok) throw new Error(compiled.messages.join("\n"));
  const view = createPolicyView(compiled.model);
  // Identities seen only without a pod are the security identity of a workload seen with its pods.
  const workloads = graph.identities.map((o) => o.identity).filter((i): i is WorkloadIdentity => i.kind === "workload" && i.workloadKind !== POD_LESS_KIND);
  const inexact = new Set(refusals.filter((r) => r.outcome === "left-out").map((r) => r.subject));
  const used = new Set(graph.edges.map((e) => `${e.source}|${e.destination}|${e.protocol}/${e.port}`));
  const ports = [...new Set(graph.edges.filter((e) => PORTED.has(e.protocol)).map((e) => `${e.protocol}/${e.port}`))].sort();
  const wrong: string[] = [];
  let checked = 0;
  for (const s of workloads) {
    for (const d of workloads) {
      if (inexact.has(s.key) || inexact.has(d.key)) continue;
      for (const p of ports) {
        const [protocol = "", port = ""] = p.split("/");
        if (used.has(`${s.key}|${d.key}|${p}`) || (isDns(d) && port === "53")) continue;
        checked++;
        const input = { source: view.endpoint(s), destination: view.endpoint(d), protocol, port: Number(port) };
        if (view.evaluator.evaluate(input).verdict !== "denied") wrong.push(`${s.key} -> ${d.key} ${p}`);
      }
    }
  }
  expect(wrong).toEqual([]);
  return checked;
}

/** Text of a set for golden files. */
export function goldenText(policies: readonly RecommendedPolicy[]): string {
  return policiesToYaml(policies);
}
