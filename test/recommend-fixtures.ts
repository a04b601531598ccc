/** Observed graphs for recommendation tests: the recorded bookinfo captures and generator runs, ingested into in-memory graphs. */
import { join } from "node:path";
import { FILE_ORDER } from "../src/cli/commands/ingest.js";
import { persistFlows } from "../src/ingest/index.js";
import { openGraphStore, queryGraph } from "../src/graph/index.js";
import type { GraphStore, ObservedGraph } from "../src/graph/index.js";
import { eventBatches, readFlowFile } from "../src/hubble/index.js";
import type { FileRecord } from "../src/hubble/index.js";
import { createFlowRun } from "../src/hubble/generate/index.js";
import type { GenerateOptions, GroundTruth } from "../src/hubble/generate/index.js";

const DATA = join(import.meta.dirname, "../../shared/data/hubble-otel");
const ALL_TIME = { window: { sinceMs: 0, untilMs: Date.UTC(2100, 0, 1) } };

/** The graph of both recorded bookinfo captures. */
export async function capturedGraph(): Promise<ObservedGraph> {
  const store = openGraphStore({ path: ":memory:" });
  for (const file of ["basic-sample-400-tcp-flows.json", "basic-sample-400-udp-flows.json"]) {
    const path = join(DATA, file);
    await persistFlows(eventBatches(readFlowFile(path), { batchSize: 64 }), { store, source: `file:${path}`, reorderMs: 60_000, order: FILE_ORDER });
  }
  return close(store);
}

function close(store: GraphStore): ObservedGraph {
  try {
    return queryGraph(store, ALL_TIME);
  } finally {
    store.close();
  }
}

/** The graph of a synthetic run, with its ground truth. */
export async function generatedGraph(options: GenerateOptions): Promise<{ graph: ObservedGraph; truth: GroundTruth }> {
  const run = createFlowRun(options);
  async function* records(): AsyncGenerator<FileRecord> {
    let line = 0;
    // Handing the lines over one await at a time, as a file reader would.
    for (const value of run.lines) yield await Promise.resolve({ value, file: "generated", line: ++line });
  }
  const store = openGraphStore({ path: ":memory:" });
  await persistFlows(eventBatches(records(), { batchSize: 256 }), { store, source: "generated", reorderMs: 60_000, order: FILE_ORDER });
  return { graph: close(store), truth: run.summary() };
}
