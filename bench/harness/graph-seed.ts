import { copyFileSync, existsSync } from "node:fs";
import { IngestSummary } from "../../src/ingest/index.js";
import { persistFlows } from "../../src/ingest/index.js";
import { openGraphStore } from "../../src/graph/index.js";
import { eventBatches, readFlowFile } from "../../src/hubble/index.js";

/** Options of {@link seedGraph}. */
export interface SeedOptions {
  /** NDJSON capture to store. */
  readonly capture: string;
  /** Graph database file (created when missing). */
  readonly db: string;
  /**
   * Name of the ingest cursor, as the daemon names its Hubble source (`hubble:<address>`):
   * a daemon started on this database then resumes after the capture's last flow.
   */
  readonly source: string;
}

/** Stores a capture in a graph database as if a daemon had ingested it; returns the counts. */
export async function seedGraph(options: SeedOptions): Promise<{ flows: number; connections: number }> {
  const store = openGraphStore({ path: options.db });
  const summary = new IngestSummary();
  try {
    await persistFlows(eventBatches(readFlowFile(options.capture)), { store, source: options.source, reorderMs: 0, summary });
  } finally {
    store.close();
  }
  return { flows: summary.totals.flows, connections: summary.totals.connections };
}

/** Copies a closed graph database (and its WAL, if one was left) to `to`. */
export function copyGraph(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
