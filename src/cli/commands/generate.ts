import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Command } from "commander";
import type { GenerateOptions, GroundTruth } from "../../hubble/generate/index.js";
import { resolveOptions, writeNdjson } from "../../hubble/generate/index.js";
import { UsageError, parseNonNegative } from "../usage-error.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly flows: string;
  readonly workloads?: string;
  readonly seed: string;
  readonly start: string;
  readonly rate: string;
  readonly lostEvents: string;
  readonly nodes: string;
  readonly cluster: string;
  readonly out: string;
  readonly truth?: string;
}

/** Adds `hubble-auditor generate`: synthetic `hubble observe -o jsonpb` lines as NDJSON. */
export function registerGenerateCommand(program: Command): Command {
  return program
    .command("generate")
    .description(summaryOf("generate"))
    .option("--flows <n>", "total lines to write (flows plus lost-events notices)", "10000")
    .option("--workloads <n>", "workloads in the app; above the base app's 14, extra team-* microservices are added")
    .option("--seed <n>", "random seed; the same options always give the same bytes", "1")
    .option("--start <time>", "RFC 3339 time of the first line, or \"now\"", "2026-01-01T00:00:00Z")
    .option("--rate <n>", "mean lines per second of virtual time", "1000")
    .option("--lost-events <ratio>", "share of lines that are lost-events notices, 0 to 1", "0")
    .option("--nodes <n>", "minimum number of nodes (more are added for large apps)", "3")
    .option("--cluster <name>", "Cilium cluster name", "default")
    .option("-o, --out <file>", "output file; \"-\" for stdout, a .gz name compresses", "-")
    .option("--truth <file>", "also write the run's ground truth (counts and intended edges) as JSON")
    .action(async (raw: RawOptions) => {
      const options = toOptions(raw);
      const truth = await writeTo(raw.out, options);
      if (raw.truth !== undefined) await writeFile(raw.truth, JSON.stringify(truth, null, 2) + "\n");
      if (raw.out !== "-") {
        process.stderr.write(`wrote ${truth.lines} lines (${truth.flows} flows) to ${raw.out}\n`);
      }
    });
}

function integer(option: string, value: string): number {
  const n = parseNonNegative(option, value);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${option} must be a whole number, got "${value}"`);
  return n;
}

function toOptions(raw: RawOptions): GenerateOptions {
  const startMs = raw.start === "now" ? Date.now() : Date.parse(raw.start);
  if (Number.isNaN(startMs)) throw new UsageError(`--start must be an RFC 3339 time or "now", got "${raw.start}"`);
  const options: GenerateOptions = {
    flows: integer("--flows", raw.flows),
    seed: integer("--seed", raw.seed),
    startMs,
    rate: parseNonNegative("--rate", raw.rate),
    lostEvents: parseNonNegative("--lost-events", raw.lostEvents),
    nodes: integer("--nodes", raw.nodes),
    clusterName: raw.cluster,
    ...(raw.workloads === undefined ? {} : { workloads: integer("--workloads", raw.workloads) }),
  };
  const resolved = resolveOptions(options);
  if (!("flows" in resolved)) {
    const first = resolved[0];
    throw new UsageError(first === undefined ? "invalid options" : `--${flagName(first.path)} ${first.message}`);
  }
  return options;
}

/** Option flag for a GenerateOptions member named in a problem path. */
function flagName(path: string): string {
  const names: Readonly<Record<string, string>> = { lostEvents: "lost-events", clusterName: "cluster", startMs: "start" };
  return names[path] ?? path;
}

async function writeTo(out: string, options: GenerateOptions): Promise<GroundTruth> {
  // A closed pipe (`generate | head`) ends the process quietly in main.ts, for every command.
  if (out === "-") return writeNdjson(process.stdout, options);
  const file = createWriteStream(out);
  const sink: Writable = out.endsWith(".gz") ? createGzip() : file;
  if (sink !== file) sink.pipe(file);
  const opened = Promise.race([once(file, "open"), once(file, "error").then(([err]: unknown[]) => {
    throw new UsageError(`cannot write ${out}`, { cause: err });
  })]);
  await opened;
  const truth = await writeNdjson(sink, options);
  sink.end();
  await once(file, "close");
  return truth;
}
