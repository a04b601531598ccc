import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { ListenAddress } from "./listen-address.js";

/** An express app bound to a TCP address. */
export interface BoundHttpServer {
  readonly server: Server;
  /** The bound `host:port` (`[v6]:port` for IPv6; the real port when 0 was asked for). */
  readonly address: string;
}

/**
 * Binds `app` to `listen` and waits until it listens; rejects with the listen error (port in
 * use, address not available), which callers wrap in their own named error.
 */
export async function listenHttp(app: Express, listen: ListenAddress): Promise<BoundHttpServer> {
  const server: Server = app.listen(listen.port, listen.host);
  await once(server, "listening");
  const bound = server.address() as AddressInfo; // a TCP server that is listening has an AddressInfo
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return { server, address: `${host}:${bound.port}` };
}
