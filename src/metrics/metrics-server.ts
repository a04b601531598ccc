import express from "express";
import type { Request, RequestHandler, Response } from "express";
import { listenHttp } from "./http-listen.js";
import type { BoundHttpServer } from "./http-listen.js";
import { parseListenAddress } from "./listen-address.js";

/** The metrics endpoint could not be started (bad address, port in use). */
export class MetricsServerError extends Error {
  override readonly name = "MetricsServerError";
}

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** `host:port`, `[v6]:port` or `:port`; port 0 picks a free one. */
  readonly listen: string;
  readonly registry: Exposition;
}

/** What the endpoint serves: a prom-client Registry, or anything that renders like one. */
export interface Exposition {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The bound address, e.g. `127.0.0.1:9090` (the real port when 0 was asked for). */
  readonly address: string;
  /** `http://<address>/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/** An express handler serving the registry in Prometheus' text format (for any app). */
export function metricsHandler(registry: Exposition): RequestHandler {
  return async (_req: Request, res: Response) => {
    const text = await registry.metrics();
    res.set("Content-Type", registry.contentType).set("Cache-Control", "no-store").send(text);
  };
}

/** Starts an HTTP server that answers `GET /metrics` and nothing else. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const listen = parseListenAddress(options.listen);
  if (!listen) throw new MetricsServerError(`metrics listen address must be host:port, got "${options.listen}"`);
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", metricsHandler(options.registry));
  app.use((_req: Request, res: Response) => {
    res.status(404).type("text/plain").send("not found; metrics are at /metrics\n");
  });
  let bound: BoundHttpServer;
  try {
    bound = await listenHttp(app, listen);
  } catch (err) {
    throw new MetricsServerError(`cannot listen on ${options.listen} for metrics`, { cause: err });
  }
  const { server, address } = bound;
  return {
    address,
    url: `http://${address}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => { if (err) reject(err); else resolve(); });
        server.closeAllConnections();
      }),
  };
}
