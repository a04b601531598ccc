import type { Command } from "commander";
import type { Logger } from "pino";
import type { FlowReorderOptions } from "../../flows/index.js";
import { openGraphStore, readCursor, readFileCursor, readStreamCursor } from "../../graph/index.js";
import type { GraphStore } from "../../graph/index.js";
import { eventBatches, readFlowFile } from "../../hubble/index.js";
import type { HubbleEvent } from "../../hubble/index.js";
import { ALL_FLOWS, openFlowStream } from "../../hubble/grpc/index.js";
import { FileProgress, IngestSummary, StreamProgress } from "../../ingest/index.js";
import { persistFlows } from "../../ingest/index.js";
import type { PersistResult } from "../../ingest/index.js";
import { startProgress } from "../setup/graph-progress.js";
import { ingestSourceOf, tlsFromFlags } from "../setup/graph-source.js";
import type { IngestSource, TlsFlags } from "../setup/graph-source.js";
import { stopSignal } from "../stop-signal.js";
import { parsePositiveInt } from "../usage-error.js";
import { DEFAULT_DB } from "../default-db.js";
import { summaryOf } from "../command-table.js";

interface RawOptions extends TlsFlags {
  readonly from: string;
  readonly db: string;
  readonly follow?: boolean;
  readonly flushInterval: string;
  readonly batchKeys: string;
  readonly progressInterval?: string;
}

/** What `ingest` needs from its caller. */
export interface IngestCommandDeps {
  readonly logger: Logger;
  /** Ends ingestion like SIGINT/SIGTERM (tests); undefined: only signals do. */
  readonly stop?: AbortSignal;
  /** Where progress goes (default stderr). */
  readonly write?: (text: string) => void;
}

/** Adds `hubble-auditor ingest`: flows from a file or Hubble into the graph database. */
export function registerIngestCommand(program: Command, deps: IngestCommandDeps): Command {
  return program
    .command("ingest")
    .description(summaryOf("ingest"))
    .requiredOption("--from <source>", "flow-log file (NDJSON/JSON array, optionally .gz; \"-\" for stdin) or Hubble address (host:port, tls://host:port, unix:///var/run/cilium/hubble.sock)")
    .option("--db <file>", "graph database file", DEFAULT_DB)
    .option("--follow", "keep reading: tail the file across rotation, or follow the Hubble stream")
    .option("--tls-ca <files...>", "PEM CA certificate(s) of the Hubble server (turns TLS on)")
    .option("--tls-cert <file>", "PEM client certificate for mTLS (needs --tls-key)")
    .option("--tls-key <file>", "PEM private key of --tls-cert")
    .option("--tls-server-name <name>", "name to verify the server certificate against, e.g. ui.hubble-relay.cilium.io")
    .option("--flush-interval <ms>", "write to the database at least this often", "1000")
    .option("--batch-keys <n>", "write as soon as this many distinct keys are pending", "20000")
    .option("--progress-interval <ms>", "milliseconds between progress lines (default 1000 on a terminal, else 10000)")
    .action(async (raw: RawOptions) => {
      const source = ingestSourceOf(raw.from);
      const writer = { flushIntervalMs: parsePositiveInt("--flush-interval", raw.flushInterval), maxKeys: parsePositiveInt("--batch-keys", raw.batchKeys) };
      const intervalMs = parsePositiveInt("--progress-interval", raw.progressInterval ?? (process.stderr.isTTY ? "1000" : "10000"));
      const log = deps.logger.child({ module: "ingest" });
      const store = openGraphStore({ path: raw.db });
      const stop = stopSignal(deps.stop);
      try {
        await ingest(source, { raw, store, writer, intervalMs, log, signal: stop.signal, write: deps.write ?? ((t) => process.stderr.write(t)) });
      } finally {
        stop.dispose();
        store.close();
      }
    });
}

interface IngestContext {
  readonly raw: RawOptions;
  readonly store: GraphStore;
  readonly writer: { flushIntervalMs: number; maxKeys: number };
  readonly intervalMs: number;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly write: (text: string) => void;
}

/**
 * How far flows of a file are put back in time order: up to this many flows held, so a
 * file holding several nodes' flows one after the other, or a shuffled one, gives the same
 * graph as a sorted one (`simulate` reads files the same way). A Hubble stream is taken as
 * it comes: Relay sends it in time order.
 */
export const FILE_ORDER: FlowReorderOptions = { capacity: 20_000 };

async function ingest(source: IngestSource, ctx: IngestContext): Promise<void> {
  const summary = new IngestSummary();
  let rejected = (): number => 0;
  let batches: AsyncIterable<readonly HubbleEvent[]>;
  let reorderMs = 0;
  let order: FlowReorderOptions | undefined;
  let file: { progress: FileProgress; resuming: boolean } | undefined;
  let streamed: { progress: StreamProgress; resuming: boolean; connected: () => boolean } | undefined;
  if (source.kind === "file") {
    // A file that is still growing is written in time order by its exporter: a short window.
    order = ctx.raw.follow === true ? { ...FILE_ORDER, latenessMs: 5_000 } : FILE_ORDER;
    let records = 0;
    const stored = source.path === "-" ? undefined : readFileCursor(ctx.store, source.cursorName);
    const progress = new FileProgress(stored);
    const startAt = progress.startAt;
    file = { progress, resuming: false };
    const state = file;
    const reader = readFlowFile(source.path, {
      follow: ctx.raw.follow === true, signal: ctx.signal, logger: ctx.log, ...(startAt ? { startAt } : {}),
      onFile: (identity, resumed) => {
        progress.opened(identity, resumed);
        if (resumed) ctx.log.info({ file: source.path, record: startAt?.record, line: startAt?.line }, "resuming the file at the stored cursor");
      },
    });
    // A stored file cursor replaces the time cursor: the file is the same or it is new.
    state.resuming = stored !== undefined;
    batches = eventBatches(reader, {
      ...(ctx.raw.follow === true ? { maxWaitMs: 500 } : {}),
      onProblem: (p) => {
        records++;
        if (records <= 5) ctx.log.warn({ file: p.file, line: p.line, path: p.path, problem: p.message }, "skipped an invalid record");
      },
    });
    rejected = () => reader.stats.rejected + records;
    // A file read again repeats its order; nodes' flows interleave by up to a few seconds.
    reorderMs = 60_000;
  } else {
    // From before the oldest flow in flight at the last commit (StreamProgress), else after
    // an older version's time cursor.
    const storedStream = readStreamCursor(ctx.store, source.cursorName);
    const progress = new StreamProgress(storedStream);
    const timeCursor = readCursor(ctx.store, source.cursorName);
    const since = progress.since ?? timeCursor?.time;
    let refused = 0;
    const stream = openFlowStream({
      onRejected: (p) => {
        refused++;
        if (refused <= 5) ctx.log.warn({ path: p.path, problem: p.message }, "skipped an invalid message");
      },
      address: source.address, ...tlsFromFlags(ctx.raw),
      // From the cursor when there is one; else everything the server still buffers (what
      // `hubble observe --all` asks for), then, with --follow, what comes next.
      request: { follow: ctx.raw.follow === true, ...(since ? { since } : {}), ...(ctx.raw.follow === true && since ? {} : { number: ALL_FLOWS }) },
    });
    ctx.signal.addEventListener("abort", () => { stream.stop(); }, { once: true });
    batches = stream.batches();
    rejected = () => stream.state.rejected + stream.state.undecodable;
    if (since) ctx.log.info({ since }, "resuming from the stored cursor");
    streamed = { progress, resuming: storedStream !== undefined, connected: () => stream.state.status === "connected" };
  }
  let persisted: PersistResult | undefined;
  const progress = startProgress(
    () => ({ flows: summary.totals.flows, rejected: rejected(), skipped: persisted?.skipped() ?? 0, writer: persisted?.writer }),
    { write: ctx.write, tty: process.stderr.isTTY, intervalMs: ctx.intervalMs },
  );
  try {
    await persistFlows(batches, {
      store: ctx.store, source: source.cursorName, reorderMs, order, summary, writer: ctx.writer,
      ...(file ? { file } : {}),
      // A reconnecting stream is not quiet: its pending connections wait for it.
      ...(streamed ? { stream: { progress: streamed.progress, resuming: streamed.resuming }, mayIdleFlush: streamed.connected } : {}),
    }, (r) => { persisted = r; });
  } finally {
    progress.stop();
  }
  if (rejected() > 0) ctx.log.warn({ source: source.cursorName, rejected: rejected() }, "invalid records skipped");
  ctx.log.info({ source: source.cursorName, flows: summary.totals.flows, connections: summary.totals.connections }, "ingest finished");
}
