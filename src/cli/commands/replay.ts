import type { Command } from "commander";
import type { Logger } from "pino";
import { readFlowFile } from "../../hubble/files/index.js";
import { CaptureBuilder, startReplay } from "../../hubble/replay/index.js";
import type { Capture, ServerTlsOptions } from "../../hubble/replay/index.js";
import { stopSignal, untilStopped } from "../stop-signal.js";
import { UsageError, parseNonNegative, parsePositiveInt } from "../usage-error.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly file: string;
  readonly listen: string;
  readonly rate?: string;
  readonly loop?: boolean;
  readonly liveOnly?: boolean;
  readonly capacity?: string;
  readonly fillRate?: string;
  readonly nodeName: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsClientCa?: string;
}

/** Problems logged one by one before only the total is reported. */
const PROBLEMS_LOGGED = 5;

/** What the replay command needs from its caller. */
export interface ReplayCommandDeps {
  readonly logger: Logger;
  /** Stops the server like SIGINT does; undefined: only SIGINT/SIGTERM stop it. */
  readonly stop?: AbortSignal;
}

/** Adds `hubble-auditor replay`: serves a capture over Hubble's gRPC API until SIGINT/SIGTERM. */
export function registerReplayCommand(program: Command, deps: ReplayCommandDeps): Command {
  return program
    .command("replay")
    .description(summaryOf("replay"))
    .requiredOption("--file <path>", "capture: hubble observe -o jsonpb / exporter NDJSON or a JSON array, optionally gzipped; \"-\" for stdin")
    .option("--listen <address>", "host:port (port 0 picks a free one) or unix:///path", "127.0.0.1:4245")
    .option("--rate <n>", "also replay the capture live at n events per second, stamped with the current time")
    .option("--loop", "with --rate: start over at the end of the capture, with fresh timestamps")
    .option("--live-only", "with --rate: the ring starts empty and holds only the live replay (no backlog at the capture's own times)")
    .option("--capacity <n>", "ring buffer capacity (default 4095, or the capture's size when larger)")
    .option("--fill-rate <n>", "the capture fills the ring at n events per second from the start, as a node's buffer fills: a call gets what has arrived at once and the rest as it arrives (default: all at once)")
    .option("--node-name <name>", "node name reported in GetNodes, Peer/Notify and lost-events notices", "replay-node")
    .option("--tls-cert <file>", "serve TLS with this PEM certificate (needs --tls-key)")
    .option("--tls-key <file>", "PEM private key of --tls-cert")
    .option("--tls-client-ca <file>", "require client certificates signed by this PEM CA (mTLS)")
    .action(async (raw: RawOptions) => {
      const settings = toSettings(raw);
      const log = deps.logger.child({ module: "replay" });
      const capture = await loadCapture(raw.file, log);
      const replay = await startReplay(capture, { listen: raw.listen, nodeName: raw.nodeName, ...settings });
      log.info({ address: replay.address, records: capture.records.length, rate: settings.rate ?? 0, loop: settings.loop ?? false }, "replay server listening");
      process.stdout.write(`listening on ${replay.address}\n`);
      const stop = stopSignal(deps.stop);
      try {
        await untilStopped(stop.signal);
      } finally {
        stop.dispose();
      }
      log.info({}, "replay server stopping");
      await replay.close();
    });
}

interface Settings {
  rate?: number;
  loop?: boolean;
  liveOnly?: boolean;
  capacity?: number;
  fillRate?: number;
  tls?: ServerTlsOptions;
}

function toSettings(raw: RawOptions): Settings {
  const settings: Settings = {};
  if (raw.rate !== undefined) settings.rate = parseNonNegative("--rate", raw.rate);
  if (raw.loop === true) {
    if (!settings.rate) throw new UsageError("--loop needs --rate (a live replay to repeat)");
    settings.loop = true;
  }
  if (raw.liveOnly === true) {
    if (!settings.rate) throw new UsageError("--live-only needs --rate (a live replay to serve)");
    settings.liveOnly = true;
  }
  if (raw.capacity !== undefined) settings.capacity = parsePositiveInt("--capacity", raw.capacity);
  if (raw.fillRate !== undefined) {
    if (settings.rate) throw new UsageError("--fill-rate paces the capture at its own times; --rate replays it live with new ones: give one of them");
    settings.fillRate = parsePositiveInt("--fill-rate", raw.fillRate);
  }
  if ((raw.tlsCert === undefined) !== (raw.tlsKey === undefined)) throw new UsageError("--tls-cert and --tls-key must be given together");
  if (raw.tlsClientCa !== undefined && raw.tlsCert === undefined) throw new UsageError("--tls-client-ca needs --tls-cert and --tls-key");
  if (raw.tlsCert !== undefined && raw.tlsKey !== undefined) {
    settings.tls = { certFile: raw.tlsCert, keyFile: raw.tlsKey, ...(raw.tlsClientCa === undefined ? {} : { clientCaFile: raw.tlsClientCa }) };
  }
  return settings;
}

async function loadCapture(file: string, log: Logger): Promise<Capture> {
  const builder = new CaptureBuilder();
  let skipped = 0;
  for await (const record of readFlowFile(file, { logger: log })) {
    const problem = builder.add(record.value);
    if (problem && ++skipped <= PROBLEMS_LOGGED) {
      log.warn({ file, line: record.line, path: problem.path, problem: problem.message }, "skipped an invalid record");
    }
  }
  if (skipped > 0) log.warn({ file, skipped }, "skipped invalid records");
  const capture = builder.capture();
  if (capture.records.length === 0) throw new UsageError(`${file}: no usable flows to replay`);
  return capture;
}
