import { Counter, Gauge, Histogram } from "prom-client";
import type { Registry } from "prom-client";

/** Every metric name of ours starts with this. */
export const METRIC_PREFIX = "hubble_auditor_";

/** The daemon's instruments; names, labels and meaning are listed in grafana/METRICS.md. */
export interface Instruments {
  readonly flowsReceived: Counter<"verdict" | "type">;
  readonly connections: Counter<"verdict" | "kind">;
  readonly unknownDirection: Counter;
  readonly policyDrops: Counter<"namespace" | "direction" | "reason">;
  readonly wouldBeDrops: Gauge<"namespace">;
  readonly unusedAllows: Gauge<"namespace">;
  readonly readiness: Gauge<"namespace">;
  readonly lostEvents: Counter<"source">;
  readonly streamConnected: Gauge;
  readonly streamReconnects: Counter;
  readonly streamSuspectedGaps: Counter;
  readonly streamUndecodable: Counter;
  readonly streamRejected: Counter;
  readonly streamPaused: Gauge;
  readonly streamStalled: Gauge;
  readonly streamStalls: Counter;
  readonly streamDisconnects: Counter;
  readonly relayNodeStatus: Counter<"state">;
  readonly lastFlowTimestamp: Gauge;
  readonly ingestLag: Gauge;
  readonly ingestBehind: Gauge;
  readonly writerBatchSize: Histogram;
  readonly writerFlushDuration: Histogram;
  readonly dbSize: Gauge;
  readonly auditDuration: Histogram;
  readonly auditNamespaces: Gauge;
  readonly ingestThreadRestarts: Counter;
  readonly analysisThreadRestarts: Counter;
}

/** Creates and registers the instruments on `registry`. */
export function createInstruments(registry: Registry): Instruments {
  const registers = [registry];
  const p = METRIC_PREFIX;
  return {
    flowsReceived: new Counter({ name: `${p}flows_received_total`, help: "Hubble flows received, by verdict and flow type (L3_L4, L7, SOCK).", labelNames: ["verdict", "type"], registers }),
    connections: new Counter({ name: `${p}connections_total`, help: "Connection events derived from flows, by overall verdict and kind (new, existing, request).", labelNames: ["verdict", "kind"], registers }),
    unknownDirection: new Counter({ name: `${p}flows_unknown_direction_total`, help: "Flows whose direction (request or reply) no record settled: counted on their edge, never taken for connections.", registers }),
    policyDrops: new Counter({
      name: `${p}policy_drops_total`,
      help: "Connections dropped by policy enforcement, by namespace of the enforcing side, direction (ingress, egress) and Cilium drop reason.",
      labelNames: ["namespace", "direction", "reason"],
      registers,
    }),
    wouldBeDrops: new Gauge({ name: `${p}would_be_drops`, help: "Observed edges that default-deny would break, from the last audit, by namespace.", labelNames: ["namespace"], registers }),
    unusedAllows: new Gauge({ name: `${p}unused_allows`, help: "Allow rules no observed traffic used, from the last audit, by namespace.", labelNames: ["namespace"], registers }),
    readiness: new Gauge({ name: `${p}namespace_readiness_ratio`, help: "Share (0..1) of observed connections that would survive default-deny, from the last audit, by namespace.", labelNames: ["namespace"], registers }),
    lostEvents: new Counter({ name: `${p}lost_events_total`, help: "Events Hubble reported lost, by where they were lost.", labelNames: ["source"], registers }),
    streamConnected: new Gauge({ name: `${p}stream_connected`, help: "1 while the Hubble stream is connected, 0 otherwise.", registers }),
    streamReconnects: new Counter({ name: `${p}stream_reconnects_total`, help: "Hubble stream connection attempts after the first.", registers }),
    streamSuspectedGaps: new Counter({ name: `${p}stream_suspected_gaps_total`, help: "Resumes where Hubble no longer held the last flow received, so flows in between may be missing.", registers }),
    streamUndecodable: new Counter({ name: `${p}stream_undecodable_messages_total`, help: "Hubble messages that could not be decoded and were skipped.", registers }),
    streamRejected: new Counter({ name: `${p}stream_rejected_messages_total`, help: "Hubble messages refused because a name or number broke Kubernetes' rules (e.g. a namespace that is not a DNS-1123 label, a port past 65535), and skipped.", registers }),
    streamStalled: new Gauge({ name: `${p}stream_stalled`, help: "1 while the Hubble stream is connected but delivers nothing although the server sees flows (or does not answer ServerStatus).", registers }),
    streamStalls: new Counter({ name: `${p}stream_stalls_total`, help: "Times the connected Hubble stream stalled (silent for --stall-after while the server saw flows or did not answer).", registers }),
    streamDisconnects: new Counter({ name: `${p}stream_disconnects_total`, help: "Times the Hubble stream failed (the connection dropped or could not be made) and began reconnecting.", registers }),
    streamPaused: new Gauge({ name: `${p}stream_paused`, help: "1 while reading the Hubble stream is paused because ingestion is behind (backpressure).", registers }),
    relayNodeStatus: new Counter({ name: `${p}relay_node_status_events_total`, help: "Hubble Relay node status events, by node state.", labelNames: ["state"], registers }),
    lastFlowTimestamp: new Gauge({ name: `${p}last_flow_timestamp_seconds`, help: "Unix time of the newest flow received (0 before the first).", registers }),
    ingestLag: new Gauge({ name: `${p}ingest_lag_seconds`, help: "How far the newest flow of the last batch was behind the daemon's clock when it was processed.", registers }),
    ingestBehind: new Gauge({ name: `${p}ingest_behind_stream_seconds`, help: "Flow time between the newest flow received and the newest one committed to the graph: how far the writer is behind the stream head.", registers }),
    writerBatchSize: new Histogram({
      name: `${p}writer_batch_size`,
      help: "Connection events per graph writer flush (one SQLite transaction).",
      buckets: [1, 10, 100, 1000, 5000, 20_000, 100_000],
      registers,
    }),
    writerFlushDuration: new Histogram({
      name: `${p}writer_flush_duration_seconds`,
      help: "Duration of graph writer flushes.",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    dbSize: new Gauge({ name: `${p}db_size_bytes`, help: "Size of the graph database, including its write-ahead log.", registers }),
    auditDuration: new Histogram({ name: `${p}audit_duration_seconds`, help: "Duration of periodic audits (graph × policy model).", buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60], registers }),
    ingestThreadRestarts: new Counter({ name: `${p}ingest_thread_restarts_total`, help: "Restarts of the ingest thread after it crashed (each resumes from the stored cursor).", registers }),
    analysisThreadRestarts: new Counter({ name: `${p}analysis_thread_restarts_total`, help: "Restarts of the analysis thread after it ended unexpectedly (each re-audits at once).", registers }),
    auditNamespaces: new Gauge({ name: `${p}audit_namespaces`, help: "Namespaces in the last audit (including those folded into namespace=\"other\").", registers }),
  };
}
