import { join } from "node:path";
import type { Logger } from "pino";
import { openGraphStore } from "../graph/index.js";
import type { GraphStore } from "../graph/index.js";

/**
 * The daemon's graph as the main thread holds it: the store it reads for the API. The ingest
 * thread, which writes, opens its own connection and reads the cursor to resume from.
 */
export interface DaemonGraph {
  readonly store: GraphStore;
  /** Name of the ingest cursor of the Hubble source. */
  readonly source: string;
  close(): void;
}

/** Options of {@link openDaemonGraph}. */
export interface DaemonGraphOptions {
  /** `--db`; undefined: `<dataDir>/hubble-auditor.db`. */
  readonly db: string | undefined;
  readonly dataDir: string;
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
  const store = openGraphStore({ path: daemonDbPath(options.db, options.dataDir) });
  options.log.info({ db: store.file }, "graph database open");
  return {
    store, source: options.source,
    close: () => {
      store.close();
    },
  };
}
