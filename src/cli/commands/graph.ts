import type { Command } from "commander";
import { graphToDot, graphToJson, graphToTable, graphTotals, openGraphStore, queryGraph, topTalkers, windowLine } from "../../graph/index.js";
import type { GraphFilter } from "../../graph/index.js";
import { quoted } from "../../flows/index.js";
import { addWindowOptions, windowOf } from "../window-options.js";
import { UsageError, parsePositiveInt } from "../usage-error.js";
import { DEFAULT_DB } from "../default-db.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly db: string;
  readonly namespace?: string;
  readonly workload?: string;
  readonly since: string;
  readonly until?: string;
  readonly output: string;
  readonly top?: string;
}

/** What `graph` needs from its caller. */
export interface GraphCommandDeps {
  /** The clock windows are relative to; undefined: Date.now. */
  readonly now?: () => number;
  /** Where output goes (default stdout). */
  readonly write?: (text: string) => void;
  /** Where notes go (default stderr). */
  readonly note?: (text: string) => void;
}

const FORMATS = ["table", "json", "dot"] as const;
type Format = (typeof FORMATS)[number];

function isFormat(text: string): text is Format {
  return (FORMATS as readonly string[]).includes(text);
}

/** Adds `hubble-auditor graph`: prints the observed-traffic graph of a time window. */
export function registerGraphCommand(program: Command, deps: GraphCommandDeps = {}): Command {
  return addWindowOptions(program.command("graph"), "24h")
    .description(summaryOf("graph"))
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--namespace <ns>", "only edges with an end in this namespace")
    .option("--workload <name>", "only edges of this workload: namespace/name or namespace/Kind/name")
    .option("-o, --output <format>", "table, json or dot (Graphviz)", "table")
    .option("--top <n>", "with -o table: also list the n identities with the most traffic, and totals")
    .action((raw: RawOptions) => {
      if (!isFormat(raw.output)) throw new UsageError(`-o must be one of ${FORMATS.join(", ")}, got "${raw.output}"`);
      const top = raw.top === undefined ? undefined : parsePositiveInt("--top", raw.top);
      const window = windowOf(raw, (deps.now ?? Date.now)());
      const filter: GraphFilter = { window: window, namespace: raw.namespace, workload: raw.workload };
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      const store = openGraphStore({ path: raw.db, access: "read-only" });
      try {
        const graph = queryGraph(store, filter);
        const note = deps.note ?? ((text: string) => process.stderr.write(text));
        for (const s of graph.skipped ?? []) note(`note: ${quoted(s.key)} left out with its ${s.edges} edges: ${s.problem}\n`);
        if (raw.output === "json") write(graphToJson(graph));
        else if (raw.output === "dot") write(graphToDot(graph));
        else {
          // The window first: the one the counts cover, which says when it is wider than asked.
          write(windowLine(graph.window));
          write(graph.edges.length > 0 ? graphToTable(graph) : "no traffic observed in this window\n");
          if (top !== undefined) {
            const totals = graphTotals(store, filter);
            write(`\n${totals.identities} identities, ${totals.edges} edges, ${totals.connections} connections, ${totals.requests} requests, ${totals.dropped} dropped, ${totals.lostEvents} events lost\n`);
            for (const t of topTalkers(store, filter, top)) write(`${t.identity}  sent ${t.sent}  received ${t.received}  dropped ${t.dropped}  peers ${t.peers}\n`);
          }
        }
      } finally {
        store.close();
      }
    });
}
