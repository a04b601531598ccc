import type { Identity } from "../flows/index.js";
import { edgeTraffic, type PolicyView } from "../audit/index.js";
import type { ObservedGraph } from "../graph/index.js";
import { explainEvaluation, type ConnectionInput, type Evaluation, type ExplainSubjects, type PodSpec, type PolicyEndpoint, type SemanticsName } from "../policy/index.js";
import type { CaseHistory, CaseResult, MatrixReport } from "./case-result.js";
import { decidingRule } from "./deciding-rule.js";
import type { MatrixCase, MatrixProblem } from "./matrix.js";
import { resolveMatrixEndpoint, type EndpointDirectory } from "./resolve-endpoint.js";

/** What a run needs: the cases, the policies (as a view), Pod objects and, optionally, observed traffic. */
export interface RunMatrixInput {
  readonly cases: readonly MatrixCase[];
  readonly view: PolicyView;
  readonly semantics: SemanticsName;
  readonly pods: readonly PodSpec[];
  /** The observed graph of the window; `undefined`: policy checks only. */
  readonly graph?: ObservedGraph;
}

/** A report, or the problems (unresolvable endpoints, unknown named ports) that stop the run. */
export type RunMatrixResult = { readonly ok: true; readonly report: MatrixReport } | { readonly ok: false; readonly problems: readonly MatrixProblem[] };

/** The probes of one case: every (source, destination, port) it stands for. */
export interface Plan {
  readonly sources: readonly PolicyEndpoint[];
  readonly destinations: readonly PolicyEndpoint[];
  /** Ports, or ICMP types for ICMP cases. */
  readonly ports: readonly number[];
  readonly fromKeys: readonly string[];
  readonly toKeys: readonly string[];
}

function problemOf(c: MatrixCase, field: "from" | "to" | "port", message: string): MatrixProblem {
  const line = c.fieldLines[field] ?? c.at.line;
  return { file: c.at.file, ...(line === undefined ? {} : { line }), field: `${c.path}.${field}`, message };
}

function namedPort(c: MatrixCase, name: string, destinations: readonly PolicyEndpoint[], pods: readonly PodSpec[]): number | string {
  const numbers = new Set<number>();
  for (const d of destinations) {
    const pod = d.podName === undefined ? undefined : pods.find((p) => p.namespace === d.namespace && p.name === d.podName);
    const found = (d.namedPorts ?? pod?.namedPorts ?? []).find((p) => p.name === name && p.protocol === c.protocol);
    if (found === undefined) return `named port ${name}/${c.protocol}: no Pod object of ${c.text.to} in the policy inputs declares it; write the number`;
    numbers.add(found.port);
  }
  const [port] = numbers;
  if (numbers.size !== 1 || port === undefined) return `named port ${name} means different numbers on the pods of ${c.text.to}`;
  return port;
}

/** The probes of a case, or the problem that stops resolving it (naming its field). */
export function planOf(c: MatrixCase, directory: EndpointDirectory): Plan | MatrixProblem {
  const from = resolveMatrixEndpoint(c.from, directory);
  if (!from.ok) return problemOf(c, "from", from.message);
  const to = resolveMatrixEndpoint(c.to, directory);
  if (!to.ok) return problemOf(c, "to", to.message);
  let ports: number[];
  switch (c.port.kind) {
    case "number":
      ports = [c.port.port];
      break;
    case "icmp":
      ports = [c.port.type];
      break;
    case "range": {
      const { first, last } = c.port;
      ports = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      break;
    }
    case "name": {
      const port = namedPort(c, c.port.name, to.probes, directory.pods);
      if (typeof port === "string") return problemOf(c, "port", port);
      ports = [port];
      break;
    }
    default: {
      const never: never = c.port;
      throw new Error(`unknown port ${JSON.stringify(never)}`);
    }
  }
  return { sources: from.probes, destinations: to.probes, ports, fromKeys: from.observed, toKeys: to.observed };
}

/** The two ends and the port of a probe in words; an end probed at several addresses names the address. */
export function probeWords(c: MatrixCase, plan: Plan, input: ConnectionInput): ExplainSubjects {
  const end = (text: string, ep: PolicyEndpoint, many: boolean): string => (many && ep.ip !== undefined ? `${text}(${ep.ip})` : text);
  return {
    source: end(c.text.from, input.source, plan.sources.length > 1),
    destination: end(c.text.to, input.destination, plan.destinations.length > 1),
    port: input.icmpType === undefined ? `${input.port ?? ""}/${c.protocol}` : `${c.protocol}/type ${input.icmpType}`,
  };
}

function historyOf(c: MatrixCase, plan: Plan, graph: ObservedGraph): CaseHistory {
  const from = new Set(plan.fromKeys);
  const to = new Set(plan.toKeys);
  const ports = new Set(plan.ports);
  let passed = 0;
  for (const edge of graph.edges) {
    if (!from.has(edge.source) || !to.has(edge.destination) || edge.protocol !== c.protocol || !ports.has(edge.port)) continue;
    const t = edgeTraffic(edge);
    passed += t.connections + t.requests + t.existing;
  }
  if (c.expect === "deny") return { kind: passed > 0 ? "observed-forwarded" : "not-observed", passed };
  return { kind: passed > 0 ? "observed" : "stale", passed };
}

/** Every connection a plan probes, in order: sources, then destinations, then ports. */
export function* probesOf(c: MatrixCase, plan: Plan): Generator<ConnectionInput> {
  const icmp = c.protocol === "ICMPv4" || c.protocol === "ICMPv6";
  for (const source of plan.sources) {
    for (const destination of plan.destinations) {
      for (const port of plan.ports) yield icmp ? { source, destination, protocol: c.protocol, icmpType: port } : { source, destination, protocol: c.protocol, port };
    }
  }
}

function evaluateCase(c: MatrixCase, plan: Plan, view: PolicyView): Omit<CaseResult, "history" | "status"> {
  let first: { input: ConnectionInput; evaluation: Evaluation } | undefined;
  let disagreeing: { input: ConnectionInput; evaluation: Evaluation } | undefined;
  const verdicts = new Set<"allowed" | "denied">();
  const wanted = c.expect === "allow" ? "allowed" : "denied";
  for (const input of probesOf(c, plan)) {
    const evaluation = view.evaluator.evaluate(input);
    verdicts.add(evaluation.verdict);
    first ??= { input, evaluation };
    if (evaluation.verdict !== wanted && disagreeing === undefined) disagreeing = { input, evaluation };
  }
  const shown = disagreeing ?? first;
  if (shown === undefined) throw new Error(`case ${c.name} has no probe`);
  const who = probeWords(c, plan, shown.input);
  return {
    case: c,
    verdict: verdicts.size > 1 ? "mixed" : shown.evaluation.verdict,
    policy: disagreeing === undefined ? "pass" : "fail",
    rule: decidingRule(shown.evaluation),
    probe: `${who.source} -> ${who.destination} ${who.port}`,
    explanation: explainEvaluation(shown.evaluation, who),
  };
}

/** The addresses seen for reserved identities other than world (the API server, nodes), from the edges' end variants. */
function reservedAddresses(graph: ObservedGraph): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, Set<string>>();
  const add = (key: string, ip: string): void => {
    if (ip === "" || !key.startsWith("reserved:") || key === "reserved:world") return;
    const set = out.get(key) ?? new Set<string>();
    set.add(ip);
    out.set(key, set);
  };
  for (const edge of graph.edges) {
    for (const v of edge.variants ?? []) {
      add(edge.source, v.source.ip);
      add(edge.destination, v.destination.ip);
    }
  }
  return new Map([...out].map(([key, ips]) => [key, [...ips].sort()]));
}

/** Where a run resolves its endpoints: the Pod objects, the policies' view and, with a graph, observed identities and addresses. */
export function directoryOf(input: { readonly view: PolicyView; readonly pods: readonly PodSpec[]; readonly graph?: ObservedGraph }): EndpointDirectory {
  const identities: readonly Identity[] | undefined = input.graph?.identities.map((o) => o.identity);
  return {
    pods: input.pods,
    view: input.view,
    ...(identities === undefined ? {} : { identities }),
    ...(input.graph === undefined ? {} : { addresses: reservedAddresses(input.graph) }),
  };
}

/**
 * Decides every case with the policy model, the way `explain` decides one connection, and
 * with a graph also against the observed traffic of its window. A case with several probes
 * (a port range, the two ends of a CIDR, every observed address of a name) passes only when
 * each probe gives the expected verdict.
 */
export function runMatrix(input: RunMatrixInput): RunMatrixResult {
  const directory = directoryOf(input);
  const problems: MatrixProblem[] = [];
  const results: CaseResult[] = [];
  for (const c of input.cases) {
    const plan = planOf(c, directory);
    if ("message" in plan) {
      problems.push(plan);
      continue;
    }
    const decided = evaluateCase(c, plan, input.view);
    const history = input.graph === undefined ? undefined : historyOf(c, plan, input.graph);
    const status = decided.policy === "fail" || history?.kind === "observed-forwarded" ? "fail" : history?.kind === "stale" ? "warn" : "pass";
    results.push({ ...decided, ...(history === undefined ? {} : { history }), status });
  }
  if (problems.length > 0) return { ok: false, problems };
  const count = (s: CaseResult["status"]): number => results.filter((r) => r.status === s).length;
  const w = input.graph?.window;
  const window = w === undefined ? undefined : { sinceMs: w.sinceMs, untilMs: w.untilMs, ...(w.note === undefined ? {} : { note: w.note }) };
  return {
    ok: true,
    report: {
      semantics: input.semantics,
      results,
      ...(window === undefined ? {} : { window }),
      summary: { cases: results.length, passed: count("pass") + count("warn"), failed: count("fail"), warnings: count("warn") },
    },
  };
}
