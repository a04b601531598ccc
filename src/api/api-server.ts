import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { parseListenAddress } from "../metrics/index.js";

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
  const server: Server = app.listen(address.port, address.host);
  // Slow or idle clients cannot hold connections forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  try {
    await once(server, "listening");
  } catch (err) {
    throw new ApiServerError(`cannot listen on ${listen} for the API`, { cause: err });
  }
  const bound = server.address() as AddressInfo; // a TCP server that is listening has an AddressInfo
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  const text = `${host}:${bound.port}`;
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
