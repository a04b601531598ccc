import type { Command } from "commander";
import { openGraphStore, queryGraph, windowLine, windowToJson } from "../../graph/index.js";
import { formatProblem, isSemanticsName, parsePolicyDocuments } from "../../policy/index.js";
import { whatIf } from "../../recommend/index.js";
import type { WhatIfReport } from "../../recommend/index.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { UsageError } from "../usage-error.js";
import { DEFAULT_DB } from "../default-db.js";
import type { PolicyCommandDeps } from "./policies-check.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly policies: string[];
  readonly db: string;
  readonly namespace?: string;
  readonly since: string;
  readonly until?: string;
  readonly semantics: string;
  readonly output: string;
}

/** What `whatif` needs: policy file loading, stdout, stderr, exit code and a clock. */
export interface WhatIfCommandDeps extends PolicyCommandDeps {
  readonly warn: (text: string) => void;
  /** undefined: Date.now. */
  readonly now?: () => number;
}

/** The table form of a what-if report. */
export function whatIfText(report: WhatIfReport): string {
  const lines: string[] = [windowLine(report.window).trimEnd()];
  for (const [title, groups] of [["would drop", report.dropped], ["would drop once default-deny isolates the subject", report.notIsolated]] as const) {
    for (const g of groups) {
      for (const e of g.edges) lines.push(`${title}: ${g.direction} of ${g.subject}: ${e.source} -> ${e.destination} ${e.protocol}/${e.port} (${e.connections} connections, ${e.requests} requests)${e.deniedBy.length > 0 ? ` [${e.deniedBy.join("; ")}]` : ""}`);
    }
  }
  for (const f of report.unused) lines.push(`unused: ${f.summary}`);
  const count = (groups: WhatIfReport["dropped"]): number => groups.reduce((n, g) => n + g.edges.length, 0);
  lines.push(`${report.policies} policies: ${count(report.dropped)} observed edges dropped, ${count(report.notIsolated)} more under default-deny, ${report.unused.length} unused rules or pieces`);
  return `${lines.join("\n")}\n`;
}

/**
 * Adds `hubble-auditor whatif --policies PATH...`: replays the observed traffic of a window
 * through proposed policies without applying them. Exit code 1 when it would drop observed traffic.
 */
export function registerWhatIfCommand(program: Command, deps: WhatIfCommandDeps): Command {
  return addWindowOptions(program.command("whatif"), "7d")
    .description(summaryOf("whatif"))
    .requiredOption("--policies <paths...>", "policy files or directories (YAML or JSON)")
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--namespace <ns>", "only subjects and rules of this namespace")
    .option("--semantics <name>", "cilium or upstream", "cilium")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (raw: RawOptions) => {
      if (raw.output !== "table" && raw.output !== "json") throw new UsageError(`-o must be table or json, got "${raw.output}"`);
      if (!isSemanticsName(raw.semantics)) throw new UsageError(`--semantics must be cilium or upstream, got "${raw.semantics}"`);
      const nowMs = (deps.now ?? Date.now)();
      const window = windowOf(raw, nowMs);
      const loaded = await deps.loadPolicyDocuments(raw.policies);
      const parsed = parsePolicyDocuments(loaded.documents);
      for (const p of parsed.problems) deps.warn(`problem: ${formatProblem(p)}`);
      const store = openGraphStore({ path: raw.db, access: "read-only" });
      let report: WhatIfReport;
      try {
        const graph = queryGraph(store, { window: window, namespace: raw.namespace });
        report = whatIf(graph, parsed, { namespace: raw.namespace, semantics: raw.semantics, nowMs });
      } finally {
        store.close();
      }
      deps.write(raw.output === "json" ? `${JSON.stringify({ ...report, window: windowToJson(report.window) }, null, 2)}\n` : whatIfText(report));
      if (report.dropped.length > 0) deps.setExitCode(1);
    });
}
