import { sideVerdict, type ConnectivityChange, type PolicyDiff, type PolicyView } from "../audit/index.js";
import type { ObservedGraph } from "../graph/index.js";
import type { PodSpec } from "../policy/index.js";
import type { MatrixCase, MatrixProblem } from "./matrix.js";
import { directoryOf, planOf, probeWords, probesOf } from "./run-matrix.js";

/** What a diff over a matrix needs: its cases, both policy sets (as views) and what resolves the endpoints. */
export interface DiffMatrixInput {
  readonly cases: readonly MatrixCase[];
  readonly old: PolicyView;
  readonly next: PolicyView;
  readonly pods: readonly PodSpec[];
  /** Observed identities resolve `ns/workload` (and addresses of names); its traffic is not compared. */
  readonly graph?: ObservedGraph;
}

export type DiffMatrixResult = { readonly ok: true; readonly diff: PolicyDiff } | { readonly ok: false; readonly problems: readonly MatrixProblem[] };

/**
 * The connectivity that changes from `old` to `new` over the probes of a test matrix (each
 * case's sources × destinations × ports, as `test` probes them): every probe is evaluated
 * under both sets and listed when its verdict differs, with the rules responsible on each
 * side. The cases' `expect` plays no part: the matrix only names the connections. Probes
 * that two cases share are compared once.
 */
export function diffOverMatrix(input: DiffMatrixInput): DiffMatrixResult {
  // Endpoints resolve alike under either view (they share Pods and Namespaces); the old one is used.
  const directory = directoryOf({ view: input.old, pods: input.pods, ...(input.graph === undefined ? {} : { graph: input.graph }) });
  const problems: MatrixProblem[] = [];
  const changes: ConnectivityChange[] = [];
  const seen = new Set<string>();
  for (const c of input.cases) {
    const plan = planOf(c, directory);
    if ("message" in plan) {
      problems.push(plan);
      continue;
    }
    for (const probe of probesOf(c, plan)) {
      const who = probeWords(c, plan, probe);
      const port = probe.icmpType ?? probe.port ?? 0;
      const key = JSON.stringify([who.source, who.destination, c.protocol, port]);
      if (seen.has(key)) continue;
      seen.add(key);
      const before = input.old.evaluator.evaluate(probe);
      const after = input.next.evaluator.evaluate(probe);
      if (before.verdict === after.verdict) continue;
      changes.push({
        from: who.source, to: who.destination, protocol: c.protocol, port,
        change: before.verdict === "allowed" ? "allowed-to-denied" : "denied-to-allowed",
        old: sideVerdict(before), new: sideVerdict(after),
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, diff: { over: "matrix", compared: seen.size, changes } };
}
