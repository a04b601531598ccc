import type { Command } from "commander";
import type { Logger } from "pino";
import { openFlowStream } from "../../hubble/grpc/index.js";
import type { FlowStream } from "../../hubble/grpc/index.js";
import { IngestSummary, formatSummaryLine } from "../ingest/index.js";
import { ensureDemoCapture, startDemoReplay } from "../setup/demo.js";
import { openDaemonGraph } from "../setup/graph-daemon.js";
import type { DaemonGraph } from "../setup/graph-daemon.js";
import { persistFlows } from "../setup/graph-ingest.js";
import type { PersistResult } from "../setup/graph-ingest.js";
import { metricsListenOf, startDaemonMetrics } from "../setup/graph-metrics.js";
import type { DaemonMetrics } from "../setup/graph-metrics.js";
import { tlsFromFlags } from "../setup/graph-source.js";
import { stopSignal } from "../stop-signal.js";
import { parsePositiveInt } from "../usage-error.js";
import type { WriterFlush } from "../../metrics/index.js";

interface RawOptions {
  readonly hubble: string;
  readonly tlsCa?: string[];
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsServerName?: string;
  readonly tlsAllowInsecure?: boolean;
  readonly demo?: boolean;
  readonly dataDir: string;
  readonly db?: string;
  readonly retention: string;
  readonly summaryInterval: string;
  readonly metricsListen: string;
}

/** What `serve` needs from its caller. */
export interface ServeDeps {
  readonly logger: Logger;
  /** Ends the daemon like SIGINT/SIGTERM do (tests); undefined: only signals stop it. */
  readonly stop?: AbortSignal;
  /** Where summary lines go (default stdout). */
  readonly write?: (text: string) => void;
}

/** Adds `hubble-auditor serve`: the long-running daemon. */
export function registerServeCommand(program: Command, deps: ServeDeps): Command {
  return program
    .command("serve")
    .description("ingest Hubble flows continuously and report what is observed (the daemon)")
    .option("--hubble <address>", "Hubble Relay host:port, tls://host:port, or a node's unix:///var/run/cilium/hubble.sock", process.env.HUBBLE_AUDITOR_HUBBLE ?? "localhost:4245")
    .option("--tls-ca <files...>", "PEM CA certificate(s) that sign the Hubble server certificate (turns TLS on)")
    .option("--tls-cert <file>", "PEM client certificate for mTLS (needs --tls-key)")
    .option("--tls-key <file>", "PEM private key of --tls-cert")
    .option("--tls-server-name <name>", "name to verify the server certificate against, e.g. ui.hubble-relay.cilium.io")
    .option("--tls-allow-insecure", "do not verify the server certificate (testing only)")
    .option("--demo", "run on the built-in demo: a replay server on loopback streaming generated flows")
    .option("--data-dir <dir>", "directory for the daemon's data", process.env.HUBBLE_AUDITOR_DATA_DIR ?? "./data")
    .option("--db <file>", "graph database file (default: <data-dir>/hubble-auditor.db)", process.env.HUBBLE_AUDITOR_DB)
    .option("--retention <duration>", "keep this much observed history (e.g. 14d, 48h; 0 keeps everything)", "14d")
    .option("--summary-interval <seconds>", "seconds between summary lines (metrics of the stream and database follow the same pace)", "5")
    .option("--metrics-listen <host:port>", "serve Prometheus metrics at http://<host:port>/metrics (port 0: any free port; off: no metrics)", process.env.HUBBLE_AUDITOR_METRICS_LISTEN ?? "0.0.0.0:9090")
    .action(async (raw: RawOptions) => {
      const interval = parsePositiveInt("--summary-interval", raw.summaryInterval);
      const metricsListen = metricsListenOf(raw.metricsListen);
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      const log = deps.logger.child({ module: "serve" });
      // The graph opens first: a database that cannot be used stops the daemon before it starts.
      const graph = openDaemonGraph({ db: raw.db, dataDir: raw.dataDir, retention: raw.retention, source: raw.demo === true ? "hubble:demo" : `hubble:${raw.hubble}`, log });
      let metrics: DaemonMetrics | undefined;
      try {
        metrics = metricsListen === undefined ? undefined : await startDaemonMetrics(metricsListen, graph.store.file);
      } catch (err) {
        graph.close();
        throw err;
      }
      if (metrics) write(`metrics: ${metrics.server.url}\n`);
      const stop = stopSignal(deps.stop);
      let address = raw.hubble;
      let closeDemo: (() => Promise<void>) | undefined;
      let stream: FlowStream;
      try {
        if (raw.demo === true) {
          const capture = await ensureDemoCapture(raw.dataDir, log);
          const replay = await startDemoReplay(capture);
          address = replay.address;
          closeDemo = () => replay.close();
          write(`demo: replaying ${capture} on ${address} (loopback gRPC, live, looping)\n`);
        }
        // Resume where the stored graph stops; flows already stored are skipped, not recounted.
        stream = openFlowStream({ address, ...tlsFromFlags(raw), request: { follow: true, ...(graph.cursor ? { since: graph.cursor.time } : {}) } });
      } catch (err) {
        graph.close();
        stop.dispose();
        await closeDemo?.();
        await metrics?.close();
        throw err;
      }
      log.info({ address, db: graph.store.file, metrics: metrics?.server.url }, "ingesting Hubble flows into the graph");
      stop.signal.addEventListener("abort", () => { stream.stop(); }, { once: true });
      try {
        await ingestWithSummary(stream, graph, { interval, write, log, metrics });
      } finally {
        stop.dispose();
        graph.close();
        await closeDemo?.();
        await metrics?.close();
        log.info({}, "stopped");
      }
    });
}

async function ingestWithSummary(
  stream: FlowStream,
  graph: DaemonGraph,
  options: { interval: number; write: (text: string) => void; log: Logger; metrics: DaemonMetrics | undefined },
): Promise<void> {
  const { metrics } = options;
  const summary = new IngestSummary();
  let persisted: PersistResult | undefined;
  let lastFlows = 0;
  let lastAt = Date.now();
  const print = (): void => {
    const now = Date.now();
    const rate = ((summary.totals.flows - lastFlows) * 1000) / Math.max(1, now - lastAt);
    lastFlows = summary.totals.flows;
    lastAt = now;
    const stored = persisted ? ` · graph ${persisted.writer.stats.connections.toLocaleString("en-US")} connections stored` : "";
    options.write(`${formatSummaryLine(summary.totals, rate, stream.state.status)}${stored}\n`);
    metrics?.refresh(stream.state);
  };
  const timer = setInterval(print, options.interval * 1000);
  try {
    // Graceful stop: the stream ends, the loop drains the tracker and the writer flushes.
    // Metrics see every batch received and every connection before the writer takes it.
    await persistFlows(
      metrics ? metrics.tap(stream.batches()) : stream.batches(),
      {
        store: graph.store, source: graph.source, reorderMs: 0, summary,
        ...(metrics ? { observer: metrics.metrics } : {}),
        writer: {
          onError: (err) => { options.log.warn({ err }, "graph flush failed; retrying") },
          ...(metrics ? { onFlush: (flush: WriterFlush) => { metrics.onFlush(flush); } } : {}),
        },
      },
      (result) => { persisted = result; },
    );
  } finally {
    clearInterval(timer);
    print();
  }
}
