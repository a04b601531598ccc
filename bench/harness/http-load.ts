import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { httpGet } from "./http-get.js";

/** What the load clients saw of one endpoint. */
export interface EndpointLoad {
  /** Path and query relative to the API base, e.g. `findings?limit=100`. */
  readonly path: string;
  /** Latency of each successful (200) request in ms, in completion order. */
  readonly latenciesMs: number[];
  /** Requests that failed: a non-200 status, a body that is not JSON, or a network error. */
  errors: number;
  /** The first failure, for the report. */
  firstError: string | undefined;
  bytes: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** API base ending in `/`. */
  readonly api: URL;
  /** Endpoints each client cycles through, relative to `api`. */
  readonly paths: readonly string[];
  readonly clients: number;
  /** Ends the load; requests in flight finish first. */
  readonly signal: AbortSignal;
  /** Pause between a client's requests in ms (0: closed loop, the next request right away). */
  readonly thinkMs?: number;
}

/**
 * Runs `clients` concurrent clients, each with its own keep-alive connection, each sending
 * one request at a time and cycling through `paths` (client i starts at path i, so the mix is
 * even at any moment), until `signal` aborts. Every response body is read in full; the
 * first body of each endpoint is also checked to be JSON.
 */
export async function runLoad(options: LoadOptions): Promise<readonly EndpointLoad[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const loads: EndpointLoad[] = options.paths.map((path) => ({ path, latenciesMs: [], errors: 0, firstError: undefined, bytes: 0 }));
  const checked = new Set<string>();
  const think = options.thinkMs ?? 0;
  const fail = (load: EndpointLoad, reason: string): void => {
    load.errors++;
    load.firstError ??= reason;
  };
  const client = async (index: number): Promise<void> => {
    for (let i = index; !options.signal.aborted; i++) {
      const load = loads[i % loads.length];
      if (load === undefined) return;
      const url = new URL(load.path, options.api);
      const check = !checked.has(load.path);
      try {
        const r = await httpGet(url, { agent, keepBody: check });
        if (r.status !== 200) fail(load, `HTTP ${r.status}`);
        else if (check && !isJson(r.body ?? "")) fail(load, "body is not JSON");
        else {
          load.latenciesMs.push(r.doneAt - r.sentAt);
          load.bytes += r.bytes;
          checked.add(load.path);
        }
      } catch (err) {
        fail(load, err instanceof Error ? err.message : String(err));
        await sleep(50); // a refused or reset connection must not turn into a busy loop
      }
      if (think > 0) await sleep(think);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  } finally {
    agent.destroy();
  }
  return loads;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
