import { Option } from "commander";
import type { Command } from "commander";
import type { Logger } from "pino";
import { Analysis } from "../../api/index.js";
import type { ApiServer } from "../../api/index.js";
import { parseDuration } from "../../graph/index.js";
import { isSemanticsName } from "../../policy/index.js";
import type { SemanticsName } from "../../policy/index.js";
import { IngestThread } from "../../daemon/index.js";
import type { IngestReport } from "../../daemon/index.js";
import { formatSummaryLine } from "../../ingest/index.js";
import { KUBERNETES_POLICIES, startDaemonPolicies } from "../setup/daemon-policies.js";
import { readApiToken, startDaemonApi } from "../setup/daemon-api.js";
import type { IngestView } from "../setup/daemon-api.js";
import { ensureDemoCapture, startDemoReplay } from "../setup/demo.js";
import { ensureDemoPolicies } from "../setup/demo-policies.js";
import { openDaemonGraph } from "../setup/graph-daemon.js";
import { startDaemonMetrics } from "../setup/graph-metrics.js";
import { tlsFromFlags } from "../setup/graph-source.js";
import { startPeriodicAudit } from "../setup/periodic-audit.js";
import type { PeriodicAudit } from "../setup/periodic-audit.js";
import { listenFlagOf } from "../listen-flag.js";
import { stopSignal } from "../stop-signal.js";
import { UsageError, parsePositiveInt } from "../usage-error.js";
import { summaryOf } from "../command-table.js";

interface RawOptions {
  readonly hubble: string;
  readonly tlsCa?: string[];
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsServerName?: string;
  readonly tlsAllowInsecure?: boolean;
  readonly demo?: boolean;
  readonly policies?: string[];
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly semantics: string;
  readonly dataDir: string;
  readonly db?: string;
  readonly retention: string;
  readonly listen: string;
  readonly apiTokenFile?: string;
  readonly auditInterval: string;
  readonly auditWindow: string;
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

/** `--audit-interval` of the demo when none is given. */
const DEMO_AUDIT_INTERVAL = "10s";

/** The environment variable that sets an option: `--audit-interval` → `HUBBLE_AUDITOR_AUDIT_INTERVAL`. */
export function envVarOf(flag: string): string {
  return `HUBBLE_AUDITOR_${flag.replace(/^--/, "").replace(/-/g, "_").toUpperCase()}`;
}

/** An option of `serve` that its environment variable can also set. */
function option(flags: string, description: string, fallback?: string): Option {
  const long = /--[a-z-]+/.exec(flags)?.[0] ?? flags;
  const o = new Option(flags, description).env(envVarOf(long));
  return fallback === undefined ? o : o.default(fallback);
}

interface Settings {
  readonly interval: number;
  readonly metricsListen: string | undefined;
  readonly listen: string | undefined;
  readonly token: string | undefined;
  readonly auditIntervalMs: number;
  readonly semantics: SemanticsName;
}

/** Checks every flag before anything starts; a UsageError names the bad one. */
function settingsOf(raw: RawOptions): Settings {
  const interval = parsePositiveInt("--summary-interval", raw.summaryInterval);
  const metricsListen = listenFlagOf("--metrics-listen", raw.metricsListen);
  const listen = listenFlagOf("--listen", raw.listen);
  const auditIntervalMs = parseDuration(raw.auditInterval);
  if (auditIntervalMs === undefined || auditIntervalMs < 1000) throw new UsageError(`--audit-interval must be a duration of at least 1s such as 1m or 30s, got "${raw.auditInterval}"`);
  if (parseDuration(raw.auditWindow) === undefined) throw new UsageError(`--audit-window must be a duration such as 7d or 24h, got "${raw.auditWindow}"`);
  if (!isSemanticsName(raw.semantics)) throw new UsageError(`--semantics must be cilium or upstream, got "${raw.semantics}"`);
  const policies = raw.policies ?? [];
  if (policies.length === 0 && raw.demo !== true) throw new UsageError(`give the policies to audit against: --policies ${KUBERNETES_POLICIES} (the Kubernetes API) or --policies PATH...`);
  if (policies.includes(KUBERNETES_POLICIES) && policies.length > 1) throw new UsageError(`--policies takes either ${KUBERNETES_POLICIES} or files and directories, not both`);
  if ((raw.kubeconfig !== undefined || raw.context !== undefined) && !policies.includes(KUBERNETES_POLICIES)) throw new UsageError(`--kubeconfig and --context need --policies ${KUBERNETES_POLICIES}`);
  const token = raw.apiTokenFile === undefined ? undefined : readApiToken(raw.apiTokenFile);
  if (token !== undefined && listen === undefined) throw new UsageError("--api-token-file needs the API on (--listen)");
  return { interval, metricsListen, listen, token, auditIntervalMs, semantics: raw.semantics };
}

/** Adds `hubble-auditor serve`: the long-running daemon. */
export function registerServeCommand(program: Command, deps: ServeDeps): Command {
  return program
    .command("serve")
    .description(summaryOf("serve"))
    .addOption(option("--hubble <address>", "Hubble Relay host:port, tls://host:port, or a node's unix:///var/run/cilium/hubble.sock", "localhost:4245"))
    .addOption(option("--tls-ca <files...>", "PEM CA certificate(s) that sign the Hubble server certificate (turns TLS on)"))
    .addOption(option("--tls-cert <file>", "PEM client certificate for mTLS (needs --tls-key)"))
    .addOption(option("--tls-key <file>", "PEM private key of --tls-cert"))
    .addOption(option("--tls-server-name <name>", "name to verify the server certificate against, e.g. ui.hubble-relay.cilium.io"))
    .addOption(option("--tls-allow-insecure", "do not verify the server certificate (testing only)"))
    .addOption(option("--policies <source...>", `${KUBERNETES_POLICIES} (watch the Kubernetes API) or policy files and directories (read again before every audit); required unless --demo`))
    .addOption(option("--kubeconfig <file>", `with --policies ${KUBERNETES_POLICIES}: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)`))
    .addOption(option("--context <name>", `with --policies ${KUBERNETES_POLICIES}: kubeconfig context`))
    .addOption(option("--semantics <profile>", "policy semantics: cilium or upstream", "cilium"))
    .addOption(option("--demo", "run on the built-in demo: a replay server on loopback streaming generated flows, and sample policies"))
    .addOption(option("--data-dir <dir>", "directory for the daemon's data", "./data"))
    .addOption(option("--db <file>", "graph database file (default: <data-dir>/hubble-auditor.db)"))
    .addOption(option("--retention <duration>", "keep this much observed history (e.g. 14d, 48h; 0 keeps everything)", "14d"))
    .addOption(option("--listen <host:port>", "serve the HTTP API (and /healthz, /readyz) here (port 0: any free port; off: no API)", "0.0.0.0:8080"))
    .addOption(option("--api-token-file <file>", "require Authorization: Bearer <the file's token> on every API request but /healthz and /readyz"))
    .addOption(option("--audit-interval <duration>", "recompute findings, readiness and metrics this often", "1m"))
    .addOption(option("--audit-window <duration>", "the periodic audit's window, and the API's default since", "7d"))
    .addOption(option("--summary-interval <seconds>", "seconds between summary lines (metrics of the stream and database follow the same pace)", "5"))
    .addOption(option("--metrics-listen <host:port>", "serve Prometheus metrics at http://<host:port>/metrics (port 0: any free port; off: no metrics)", "0.0.0.0:9090"))
    .action(async (raw: RawOptions, command: Command) => {
      // The demo audits every 10 s unless told otherwise, so findings appear while one watches.
      const demoPace = raw.demo === true && command.getOptionValueSource("auditInterval") === "default";
      const settings = settingsOf(demoPace ? { ...raw, auditInterval: DEMO_AUDIT_INTERVAL } : raw);
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      const log = deps.logger.child({ module: "serve" });
      const cleanup: (() => Promise<void> | void)[] = [];
      const closeAll = async (): Promise<void> => {
        for (const step of cleanup.reverse()) {
          try {
            await step();
          } catch (err) {
            log.warn({ err }, "shutdown step failed");
          }
        }
      };
      const stop = stopSignal(deps.stop);
      cleanup.push(() => { stop.dispose(); });
      let ingestThread: IngestThread | undefined;
      stop.signal.addEventListener("abort", () => { void ingestThread?.stop(); }, { once: true });
      try {
        // Policies and the graph open first: a policy path that is missing or unreadable, or a
        // database that cannot be used, stops the daemon before it starts.
        const sources = raw.policies !== undefined && raw.policies.length > 0 ? raw.policies : [ensureDemoPolicies(raw.dataDir)];
        const auditRef: { current?: PeriodicAudit } = {};
        const policies = await startDaemonPolicies({
          sources, semantics: settings.semantics, log,
          kube: { ...(raw.kubeconfig === undefined ? {} : { kubeconfig: raw.kubeconfig }), ...(raw.context === undefined ? {} : { context: raw.context }) },
          onChange: () => { auditRef.current?.request(); },
        });
        cleanup.push(() => policies.stop());
        const graph = openDaemonGraph({ db: raw.db, dataDir: raw.dataDir, retention: raw.retention, source: raw.demo === true ? "hubble:demo" : `hubble:${raw.hubble}`, log });
        cleanup.push(() => { graph.close(); });
        const ingestRef: { current?: IngestThread } = {};
        const metrics = settings.metricsListen === undefined ? undefined : await startDaemonMetrics(settings.metricsListen, () => ingestRef.current?.metricsJson() ?? Promise.resolve([]));
        if (metrics) {
          cleanup.push(() => metrics.close());
          write(`metrics: ${metrics.server.url}\n`);
        }
        const analysis = new Analysis({ store: graph.store, policies: () => policies.current(), now: Date.now, defaultSince: raw.auditWindow });
        const audit = startPeriodicAudit({ analysis, policies, metrics: metrics?.metrics, intervalMs: settings.auditIntervalMs, window: raw.auditWindow, log });
        auditRef.current = audit;
        cleanup.push(() => { audit.stop(); });
        const ingest: IngestView = { latest: () => ingestRef.current?.latest };
        let api: ApiServer | undefined;
        if (settings.listen !== undefined) {
          api = await startDaemonApi({ listen: settings.listen, token: settings.token, graph, retention: raw.retention, policies, analysis, audit, ingest, log });
          const server = api;
          cleanup.push(() => server.close());
          write(`api: ${api.url}/api/v1\nhealth: ${api.url}/healthz ${api.url}/readyz · OpenAPI: ${api.url}/api/v1/openapi.json\n`);
        }
        let address = raw.hubble;
        if (raw.demo === true) {
          const capture = await ensureDemoCapture(raw.dataDir, log);
          const replay = await startDemoReplay(capture);
          cleanup.push(() => replay.close());
          address = replay.address;
          write(`demo: replaying ${capture} on ${address} (loopback gRPC, live, looping); policies from ${sources.join(", ")}\n`);
        }
        if (stop.signal.aborted) return;
        // The stream, tracking and the graph writer run on the ingest thread: nothing here
        // (API requests, audits, scrapes) can hold up reading Hubble.
        const thread = new IngestThread({
          config: {
            address, tls: tlsFromFlags(raw).tls, db: graph.store.file, source: graph.source, retentionMs: graph.retentionMs,
            reportMs: Math.min(1_000, settings.interval * 1000), rebalanceMs: settings.auditIntervalMs,
          },
          log,
          onCrash: () => { metrics?.metrics.instruments.ingestThreadRestarts.inc(); },
        });
        ingestRef.current = thread;
        ingestThread = thread;
        log.info({ address, db: graph.store.file, api: api?.url, metrics: metrics?.server.url, policies: policies.description }, "daemon started: the ingest thread reads Hubble");
        thread.start();
        await withSummaryLines(thread, { interval: settings.interval, write });
      } finally {
        await closeAll();
        log.info({}, "stopped");
      }
    });
}

/** Prints a summary line every `interval` seconds, and a last one, while the ingest thread runs. */
async function withSummaryLines(thread: IngestThread, options: { interval: number; write: (text: string) => void }): Promise<void> {
  let lastFlows = 0;
  let lastAt = Date.now();
  const print = (report: IngestReport | undefined): void => {
    if (report === undefined) return;
    const now = Date.now();
    const rate = ((report.totals.flows - lastFlows) * 1000) / Math.max(1, now - lastAt);
    lastFlows = report.totals.flows;
    lastAt = now;
    options.write(`${formatSummaryLine(report.totals, rate, report.stream.status)} · graph ${report.storedConnections.toLocaleString("en-US")} connections stored\n`);
  };
  const timer = setInterval(() => { print(thread.latest); }, options.interval * 1000);
  try {
    await thread.done;
  } finally {
    clearInterval(timer);
    print(thread.latest);
  }
}
