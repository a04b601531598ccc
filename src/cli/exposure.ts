import { isLoopbackListen, parseListenAddress } from "../metrics/index.js";
import { UsageError } from "./usage-error.js";

/** `--metrics-auth`: the API token also guards /metrics, or /metrics is open. */
export type MetricsAuth = "token" | "none";

/** The listeners `serve` opens and how they are guarded, as flags gave them. */
export interface ExposureFlags {
  /** API address; undefined: no API. */
  readonly listen: string | undefined;
  /** Metrics address; undefined: no metrics. */
  readonly metricsListen: string | undefined;
  readonly token: string | undefined;
  readonly metricsAuth: string;
  readonly insecureNoAuth: boolean;
}

/** Which token each listener requires, and the warnings to log before serving. */
export interface Exposure {
  readonly apiToken: string | undefined;
  readonly metricsToken: string | undefined;
  readonly warnings: readonly string[];
}

function reachable(address: string | undefined): boolean {
  if (address === undefined) return false;
  const parsed = parseListenAddress(address);
  return parsed === undefined || !isLoopbackListen(parsed);
}

/**
 * Closed by default: a listener other hosts can reach serves only with a token, unless
 * `--insecure-no-auth` says it may go without (logged as a warning each start). The API
 * token also guards /metrics, whose per-namespace findings say what each namespace
 * allows, unless `--metrics-auth none`. Throws a UsageError for a combination that would
 * open something the flags do not say is meant to be open.
 */
export function exposureOf(flags: ExposureFlags): Exposure {
  const { listen, metricsListen, token } = flags;
  if (flags.metricsAuth !== "token" && flags.metricsAuth !== "none") throw new UsageError(`--metrics-auth must be token or none, got "${flags.metricsAuth}"`);
  const metricsAuth: MetricsAuth = flags.metricsAuth;
  if (token !== undefined && flags.insecureNoAuth) throw new UsageError("--insecure-no-auth and --api-token-file contradict each other: give one of them");
  if (token !== undefined && listen === undefined && (metricsListen === undefined || metricsAuth === "none")) {
    throw new UsageError("--api-token-file guards nothing here: turn the API on (--listen) or let it guard /metrics (--metrics-auth token)");
  }
  const metricsToken = metricsAuth === "token" ? token : undefined;
  const warnings: string[] = [];
  if (reachable(listen) && token === undefined) {
    if (!flags.insecureNoAuth) throw new UsageError(`--listen ${listen} can be reached from other hosts: give --api-token-file FILE, or --insecure-no-auth to serve the API to anyone who can reach it`);
    warnings.push(`the API on ${listen} answers anyone who can reach it (--insecure-no-auth)`);
  }
  if (reachable(metricsListen) && metricsToken === undefined) {
    if (token === undefined && !flags.insecureNoAuth) {
      throw new UsageError(`--metrics-listen ${metricsListen} can be reached from other hosts: give --api-token-file FILE (it guards /metrics too), or --insecure-no-auth to serve metrics to anyone who can reach them`);
    }
    warnings.push(`metrics on ${metricsListen} answer anyone who can reach them (${metricsAuth === "none" ? "--metrics-auth none" : "--insecure-no-auth"})`);
  }
  return { apiToken: token, metricsToken, warnings };
}
