import express from "express";
import type { NextFunction, Request, RequestHandler, Response } from "express";
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
  /**
   * Runs before `/metrics` is served (e.g. a bearer-token check). An error it passes on with
   * a 4xx `status` is answered with that status and its message as plain text; any other
   * error is a 500 that says nothing more.
   */
  readonly guard?: RequestHandler;
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

/** Answers what the guard refused: its status and message, nothing else about the server. */
function guardFailure(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  const status = typeof err === "object" && err !== null && "status" in err && typeof err.status === "number" ? err.status : 500;
  if (status >= 400 && status < 500 && err instanceof Error) res.status(status).type("text/plain").send(`${err.message}\n`);
  else res.status(500).type("text/plain").send("internal error\n");
}

/** Starts an HTTP server that answers `GET /metrics` and nothing else. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const listen = parseListenAddress(options.listen);
  if (!listen) throw new MetricsServerError(`metrics listen address must be host:port, got "${options.listen}"`);
  const app = express();
  app.disable("x-powered-by");
  if (options.guard) app.get("/metrics", options.guard, metricsHandler(options.registry));
  else app.get("/metrics", metricsHandler(options.registry));
  app.use((_req: Request, res: Response) => {
    res.status(404).type("text/plain").send("not found; metrics are at /metrics\n");
  });
  app.use(guardFailure);
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
