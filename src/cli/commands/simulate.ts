import type { Command } from "commander";
import type { Flow, SettledFlow } from "../../flows/index.js";
import {
  compilePolicyModel,
  createPolicyEvaluator,
  formatPolicyId,
  formatProblem,
  isSemanticsName,
  parsePolicyDocuments,
  type DirectionEvaluation,
  type Evaluation,
  type RuleRef,
  type SemanticsName,
} from "../../policy/index.js";
import { UsageError } from "../usage-error.js";
import { simulateFlows } from "./simulate-flows.js";
import type { PolicyCommandDeps } from "./policies-check.js";
import { summaryOf } from "../command-table.js";

/** Dependencies of `simulate`: policy loading plus a flow file reader. */
export interface SimulateDeps extends PolicyCommandDeps {
  /** Reads a Hubble JSON flow file (same formats as ingestion), in order. */
  readonly readFlows: (file: string) => AsyncIterable<Flow>;
  /** Writes a warning to stderr. */
  readonly warn: (text: string) => void;
}

interface RawOptions {
  readonly policies: string[];
  readonly flows: string;
  readonly semantics: string;
  readonly output: string;
  readonly strict?: boolean;
}

/** Parses `--semantics`, or throws a UsageError. */
export function parseSemantics(value: string): SemanticsName {
  if (!isSemanticsName(value)) throw new UsageError(`--semantics must be cilium or upstream, got "${value}"`);
  return value;
}

/** Adds `hubble-auditor simulate`: one verdict line per flow, in input order. */
export function registerSimulateCommand(program: Command, deps: SimulateDeps): Command {
  return program
    .command("simulate")
    .description(summaryOf("simulate"))
    .requiredOption("--policies <paths...>", "policy files or directories")
    .requiredOption("--flows <file>", "Hubble flows (hubble observe -o jsonpb, or flow-log JSON)")
    .option("--semantics <profile>", "cilium or upstream", "cilium")
    .option("-o, --output <format>", "jsonl or table", "jsonl")
    .option("--strict", "exit with code 1 when a policy has problems")
    .action(async (raw: RawOptions) => {
      const semantics = parseSemantics(raw.semantics);
      if (raw.output !== "jsonl" && raw.output !== "table") throw new UsageError(`-o must be jsonl or table, got "${raw.output}"`);
      const loaded = await deps.loadPolicyDocuments(raw.policies);
      const parsed = parsePolicyDocuments(loaded.documents);
      for (const p of parsed.problems) deps.warn(`problem: ${formatProblem(p)}\n`);
      if (raw.strict === true && parsed.problems.length + loaded.fileProblems > 0) deps.setExitCode(1);
      const evaluator = createPolicyEvaluator(compilePolicyModel(parsed), { semantics });
      const out = batchedWriter(deps.write);
      if (raw.output === "table") out.line("INDEX  VERDICT  EGRESS        INGRESS       RULES\n");
      for await (const r of simulateFlows(deps.readFlows(raw.flows), evaluator)) {
        if (r.evaluation === undefined) out.line(raw.output === "jsonl" ? `${JSON.stringify({ index: r.index, skipped: "no-endpoints" })}\n` : `${String(r.index).padEnd(6)} skipped  (no-endpoints)\n`);
        else out.line(raw.output === "jsonl" ? `${JSON.stringify(toJson(r.index, r.evaluation, r.reply, r.settled))}\n` : toRow(r.index, r.evaluation, r.settled));
      }
      out.flush();
    });
}

/** Collects output lines and writes them in batches: one write per line is slow for 100k flows. */
function batchedWriter(write: (text: string) => void): { line: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) write(pending.join(""));
    pending = [];
  };
  return {
    line: (text) => {
      pending.push(text);
      if (pending.length >= 1000) flush();
    },
    flush,
  };
}

function ruleJson(r: RuleRef): Record<string, unknown> {
  return { policy: formatPolicyId(r.policy), action: r.action, path: r.path };
}

function directionJson(d: DirectionEvaluation): Record<string, unknown> {
  return {
    verdict: d.verdict,
    rules: d.rules.map(ruleJson),
    ...(d.implicit === undefined ? {} : { implicit: d.implicit }),
    ...(d.l7Restricted === true ? { l7Restricted: true } : {}),
  };
}

/**
 * The JSON line for one flow: `reply` when it travels back on its connection (judged with
 * it), `direction: "unknown"` when nothing settled which way it travels, `settledBy` when
 * its direction came from other records rather than its own fields.
 */
export function toJson(index: number, e: Evaluation, reply: boolean, settled?: SettledFlow): Record<string, unknown> {
  return {
    index,
    verdict: e.verdict,
    ...(reply ? { reply: true } : {}),
    ...(settled?.direction === "unknown" ? { direction: "unknown" } : {}),
    ...(settled !== undefined && settled.settledBy !== "reported" && settled.settledBy !== "unsettled" ? { settledBy: settled.settledBy } : {}),
    ...(settled !== undefined && settled.flow !== settled.input ? { identityFrom: "l3-l4-records" } : {}),
    egress: directionJson(e.egress),
    ingress: directionJson(e.ingress),
    unsupported: e.unsupported.map((u) => ({ construct: u.construct, policy: formatPolicyId(u.policy), path: u.path, direction: u.direction })),
  };
}

function toRow(index: number, e: Evaluation, settled: SettledFlow): string {
  const rules = [...e.egress.rules, ...e.ingress.rules].map((r) => `${formatPolicyId(r.policy)}:${r.path}`).join(" ");
  const notes = [
    ...(settled.direction === "reply" ? ["reply"] : settled.direction === "unknown" ? ["direction unknown"] : []),
    ...(e.unsupported.length > 0 ? ["unsupported constructs touched"] : []),
  ];
  const flag = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  return `${String(index).padEnd(6)} ${e.verdict.padEnd(8)} ${e.egress.verdict.padEnd(13)} ${e.ingress.verdict.padEnd(13)} ${rules}${flag}\n`;
}
