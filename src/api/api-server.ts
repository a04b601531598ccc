import type { Express } from "express";
import { listenHttp, parseListenAddress } from "../metrics/index.js";
import type { BoundHttpServer } from "../metrics/index.js";

/** The API could not be started (bad address, port in use). */
export class ApiServerError extends Error {
  override readonly name = "ApiServerError";
}

/** A running API server. */
export interface ApiServer {
  /** The bound address, e.g. `127.0.0.1:8080` (the real port when 0 was asked for). */
  readonly address: string;
  /** `http://<address>`. */
  readonly url: string;
  /** Stops accepting, waits for requests in flight up to `graceMs` (default 5 s), then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Serves `app` on `listen` (`host:port`, `[v6]:port`, `:port`; port 0 picks a free one). */
export async function startApiServer(app: Express, listen: string): Promise<ApiServer> {
  const address = parseListenAddress(listen);
  if (!address) throw new ApiServerError(`--listen must be host:port, [v6]:port or :port, got "${listen}"`);
  let bound: BoundHttpServer;
  try {
    bound = await listenHttp(app, address);
  } catch (err) {
    throw new ApiServerError(`cannot listen on ${listen} for the API`, { cause: err });
  }
  const { server, address: text } = bound;
  // Slow or idle clients cannot hold connections forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  return {
    address: text,
    url: `http://${text}`,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { server.closeAllConnections(); }, graceMs);
        server.close((err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
