import { join } from "node:path";
import type { Logger } from "pino";
import { openGraphStore, readCursor } from "../graph/index.js";
import type { GraphStore, IngestCursor } from "../graph/index.js";

/**
 * The daemon's graph as the main thread holds it: the store it reads for the API (the ingest
 * thread, which writes, opens its own connection), the cursor to resume from, and the
 * retention the ingest thread applies.
 */
export interface DaemonGraph {
  readonly store: GraphStore;
  /** Name of the ingest cursor of the Hubble source. */
  readonly source: string;
  /** Where the previous run stopped; undefined on a first start. */
  readonly cursor: IngestCursor | undefined;
  /** Observed history kept, in ms; 0 keeps everything. */
  readonly retentionMs: number;
  close(): void;
}

/** Options of {@link openDaemonGraph}. */
export interface DaemonGraphOptions {
  /** `--db`; undefined: `<dataDir>/hubble-auditor.db`. */
  readonly db: string | undefined;
  readonly dataDir: string;
  /** Observed history kept, in ms; 0 keeps everything. */
  readonly retentionMs: number;
  /** The cursor name: the Hubble address, or a fixed name for the demo. */
  readonly source: string;
  readonly log: Logger;
}

/** The database path `serve` uses. */
export function daemonDbPath(db: string | undefined, dataDir: string): string {
  return db ?? join(dataDir, "hubble-auditor.db");
}

/**
 * Opens the graph for the daemon before anything starts: a damaged, foreign, newer,
 * unwritable database or a full disk stops the daemon with an error naming the file, rather
 * than letting it run on an empty graph.
 */
export function openDaemonGraph(options: DaemonGraphOptions): DaemonGraph {
  const { retentionMs } = options;
  const path = daemonDbPath(options.db, options.dataDir);
  const store = openGraphStore({ path });
  const log = options.log;
  const cursor = readCursor(store, options.source);
  log.info({ db: store.file, retentionMs, resumeFrom: cursor?.time }, "graph database open");
  return {
    store, source: options.source, cursor, retentionMs,
    close: () => {
      store.close();
    },
  };
}
