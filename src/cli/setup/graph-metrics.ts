import type { HubbleEvent } from "../../hubble/index.js";
import { createMetrics, sqliteFileBytes, startMetricsServer, tapEvents } from "../../metrics/index.js";
import type { AuditorMetrics, MetricsServer, StreamSnapshot, WriterFlush } from "../../metrics/index.js";

/** The daemon's metrics with their endpoint, fed by the stream, the ingest loop and the writer. */
export interface DaemonMetrics {
  readonly metrics: AuditorMetrics;
  readonly server: MetricsServer;
  /** Passes event batches through, counting flows and setting the ingest lag on the way. */
  tap(batches: AsyncIterable<readonly HubbleEvent[]>): AsyncIterable<readonly HubbleEvent[]>;
  /** Records one graph writer flush (the writer's `onFlush`). */
  onFlush(flush: WriterFlush): void;
  /** Copies the stream state and the database size; call with each summary line and at shutdown. */
  refresh(stream: StreamSnapshot): void;
  /** Stops serving; open scrapes are cut. */
  close(): Promise<void>;
}

/**
 * Creates the metrics once and serves them at `http://<listen>/metrics`. `dbFile` is the
 * graph database whose size (with its WAL) is reported. Throws a MetricsServerError when the
 * address cannot be bound.
 */
export async function startDaemonMetrics(listen: string, dbFile: string): Promise<DaemonMetrics> {
  const metrics = createMetrics();
  const server = await startMetricsServer({ listen, registry: metrics.registry });
  metrics.observeDbSize(sqliteFileBytes(dbFile));
  return {
    metrics,
    server,
    tap: (batches) => tapEvents(batches, metrics),
    onFlush: (flush) => { metrics.observeWriterFlush(flush); },
    refresh: (stream) => {
      metrics.observeStream(stream);
      metrics.observeDbSize(sqliteFileBytes(dbFile));
    },
    close: () => server.close(),
  };
}
