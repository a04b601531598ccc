import { Option } from "commander";
import type { Command } from "commander";
import type { Logger } from "pino";
import { KUBERNETES_POLICIES, runDaemon } from "../../daemon/index.js";
import type { DaemonSettings } from "../../daemon/index.js";
import { parseDuration } from "../../graph/index.js";
import { isSemanticsName } from "../../policy/index.js";
import { readApiToken } from "../api-token.js";
import { summaryOf } from "../command-table.js";
import { exposureOf } from "../exposure.js";
import { listenFlagOf } from "../listen-flag.js";
import { packageVersion } from "../package-info.js";
import { tlsFromFlags } from "../setup/graph-source.js";
import { stopSignal } from "../stop-signal.js";
import { UsageError, parsePositiveInt } from "../usage-error.js";

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
  readonly insecureNoAuth?: boolean;
  readonly metricsAuth: string;
  readonly auditInterval: string;
  readonly auditWindow: string;
  readonly summaryInterval: string;
  readonly stallAfter: string;
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

/** The daemon's settings and what to warn about before it starts. */
interface CheckedSettings {
  readonly settings: DaemonSettings;
  readonly warnings: readonly string[];
}

/** Checks every flag before anything starts; a UsageError names the bad one. */
function settingsOf(raw: RawOptions): CheckedSettings {
  const summaryIntervalSeconds = parsePositiveInt("--summary-interval", raw.summaryInterval);
  const metricsListen = listenFlagOf("--metrics-listen", raw.metricsListen);
  const listen = listenFlagOf("--listen", raw.listen);
  const auditIntervalMs = parseDuration(raw.auditInterval);
  if (auditIntervalMs === undefined || auditIntervalMs < 1000) throw new UsageError(`--audit-interval must be a duration of at least 1s such as 1m or 30s, got "${raw.auditInterval}"`);
  if (parseDuration(raw.auditWindow) === undefined) throw new UsageError(`--audit-window must be a duration such as 7d or 24h, got "${raw.auditWindow}"`);
  const stallAfterMs = parseDuration(raw.stallAfter);
  if (stallAfterMs === undefined || stallAfterMs < 1000) throw new UsageError(`--stall-after must be a duration of at least 1s such as 30s or 2m, got "${raw.stallAfter}"`);
  const retentionMs = raw.retention === "0" ? 0 : parseDuration(raw.retention);
  if (retentionMs === undefined) throw new UsageError(`--retention must be a duration such as 14d, 48h or 0 (keep everything), got "${raw.retention}"`);
  const semantics = raw.semantics;
  if (!isSemanticsName(semantics)) throw new UsageError(`--semantics must be cilium or upstream, got "${semantics}"`);
  const policies = raw.policies ?? [];
  if (policies.length === 0 && raw.demo !== true) throw new UsageError(`give the policies to audit against: --policies ${KUBERNETES_POLICIES} (the Kubernetes API) or --policies PATH...`);
  if (policies.includes(KUBERNETES_POLICIES) && policies.length > 1) throw new UsageError(`--policies takes either ${KUBERNETES_POLICIES} or files and directories, not both`);
  if ((raw.kubeconfig !== undefined || raw.context !== undefined) && !policies.includes(KUBERNETES_POLICIES)) throw new UsageError(`--kubeconfig and --context need --policies ${KUBERNETES_POLICIES}`);
  const token = raw.apiTokenFile === undefined ? undefined : readApiToken(raw.apiTokenFile);
  const exposure = exposureOf({ listen, metricsListen, token, metricsAuth: raw.metricsAuth, insecureNoAuth: raw.insecureNoAuth === true });
  const settings: DaemonSettings = {
    version: packageVersion(), hubble: raw.hubble, tls: tlsFromFlags(raw).tls, demo: raw.demo === true, policies,
    kube: { ...(raw.kubeconfig === undefined ? {} : { kubeconfig: raw.kubeconfig }), ...(raw.context === undefined ? {} : { context: raw.context }) },
    semantics, dataDir: raw.dataDir, db: raw.db, retention: raw.retention, retentionMs,
    listen, token: exposure.apiToken, metricsListen, metricsToken: exposure.metricsToken,
    auditIntervalMs, auditWindow: raw.auditWindow, summaryIntervalSeconds, stallAfterMs,
  };
  return { settings, warnings: exposure.warnings };
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
    .addOption(option("--stall-after <duration>", "a connected stream silent this long makes the daemon ask Hubble's ServerStatus; flows seen there but not here, or no answer, mark the stream stalled", "30s"))
    .addOption(option("--semantics <profile>", "policy semantics: cilium or upstream", "cilium"))
    .addOption(option("--demo", "run on the built-in demo: a replay server on loopback streaming generated flows, and sample policies"))
    .addOption(option("--data-dir <dir>", "directory for the daemon's data", "./data"))
    .addOption(option("--db <file>", "graph database file (default: <data-dir>/hubble-auditor.db)"))
    .addOption(option("--retention <duration>", "keep this much observed history (e.g. 14d, 48h; 0 keeps everything)", "14d"))
    .addOption(option("--listen <host:port>", "serve the HTTP API (and /healthz, /readyz) here (port 0: any free port; off: no API); an address other hosts can reach needs --api-token-file or --insecure-no-auth", "127.0.0.1:8080"))
    .addOption(option("--api-token-file <file>", "require Authorization: Bearer <the file's token> on every API request but /healthz and /readyz, and on /metrics (see --metrics-auth)"))
    .addOption(option("--insecure-no-auth", "serve the API and metrics without a token on an address other hosts can reach (logged as a warning)"))
    .addOption(option("--metrics-auth <mode>", "token: /metrics requires the --api-token-file token too; none: /metrics is open", "token"))
    .addOption(option("--audit-interval <duration>", "recompute findings, readiness and metrics this often", "1m"))
    .addOption(option("--audit-window <duration>", "the periodic audit's window, and the API's default since", "7d"))
    .addOption(option("--summary-interval <seconds>", "seconds between summary lines (metrics of the stream and database follow the same pace)", "5"))
    .addOption(option("--metrics-listen <host:port>", "serve Prometheus metrics at http://<host:port>/metrics (port 0: any free port; off: no metrics)", "127.0.0.1:9090"))
    .action(async (raw: RawOptions, command: Command) => {
      // The demo audits every 10 s unless told otherwise, so findings appear while one watches.
      const demoPace = raw.demo === true && command.getOptionValueSource("auditInterval") === "default";
      const { settings, warnings } = settingsOf(demoPace ? { ...raw, auditInterval: DEMO_AUDIT_INTERVAL } : raw);
      for (const warning of warnings) deps.logger.warn({ module: "serve" }, warning);
      const stop = stopSignal(deps.stop);
      try {
        await runDaemon(settings, {
          log: deps.logger.child({ module: "serve" }),
          write: deps.write ?? ((text: string) => process.stdout.write(text)),
          signal: stop.signal,
        });
      } finally {
        stop.dispose();
      }
    });
}
