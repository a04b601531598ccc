import { Metadata, Server, status } from "@grpc/grpc-js";
import type { ServerUnaryCall, ServerWritableStream, StatusObject, sendUnaryData } from "@grpc/grpc-js";
import { hubbleMethods } from "../grpc/index.js";
import { ReplayServerError } from "./errors.js";
import { serveGetFlows } from "./get-flows.js";
import type { GetFlowsContext } from "./get-flows.js";
import type { ReplaySource } from "./replay-source.js";
import { serverCredentials } from "./server-credentials.js";
import type { ServerTlsOptions } from "./server-credentials.js";
import { getNodesReply, peerAddedNotice, serverStatusReply } from "./status-messages.js";
import type { ServerFacts } from "./status-messages.js";

/** Reported as `hubble-server-version` and ServerStatus.version: the API baseline of our protos. */
export const REPLAY_SERVER_VERSION = "1.19.4+hubble-auditor-replay";

/** Options of a {@link ReplayServer}. */
export interface ReplayServerOptions {
  /** `host:port` (port 0 picks a free one) or `unix:///path`; default `127.0.0.1:4245`. */
  readonly listen?: string;
  /** Undefined: plaintext. */
  readonly tls?: ServerTlsOptions;
  /** Node name in lost-event notices, GetNodes and Peer/Notify (default `replay-node`). */
  readonly nodeName?: string;
  readonly version?: string;
  /** How long `close()` lets calls finish before cutting them, in ms (default 2000). */
  readonly closeTimeoutMs?: number;
  /**
   * Events per second at which the ring fills from the server's start (default 0: all of it
   * at once): as a node's buffer fills with what it observes, a call gets what has arrived at
   * once and the rest as it arrives, so a client that restarts meets a stream in progress.
   */
  readonly fillRate?: number;
}

const identity = (b: Buffer): Buffer => b;

/**
 * A gRPC server speaking Hubble's `observer.Observer` (GetFlows, ServerStatus, GetNodes) and
 * `peer.Peer/Notify` over a {@link ReplaySource}. Messages are pre-encoded and written
 * through an identity serializer, so the server costs little per flow.
 */
export class ReplayServer {
  private readonly server = new Server();
  private readonly flows: GetFlowsContext;
  private readonly notifies = new Set<ServerWritableStream<Buffer, Buffer>>();
  private facts: ServerFacts;
  private boundAddress: string | undefined;

  constructor(
    private readonly source: ReplaySource,
    private readonly options: ReplayServerOptions = {},
  ) {
    const nodeName = options.nodeName ?? "replay-node";
    const version = options.version ?? REPLAY_SERVER_VERSION;
    this.facts = { nodeName, version, address: "", tls: options.tls !== undefined };
    const fillRate = options.fillRate ?? 0;
    const started = performance.now();
    const arrived = fillRate > 0 ? () => Math.floor(((performance.now() - started) * fillRate) / 1000) : () => Number.POSITIVE_INFINITY;
    this.flows = { source, nodeName, version, open: new Map(), arrived };
    const m = hubbleMethods();
    const unary = (make: () => Buffer) => (_call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => {
      done(null, make());
    };
    this.server.addService(
      {
        GetFlows: { ...m.getFlows, requestDeserialize: identity, responseSerialize: identity },
        ServerStatus: { ...m.serverStatus, requestDeserialize: identity, responseSerialize: identity },
        GetNodes: { ...m.getNodes, requestDeserialize: identity, responseSerialize: identity },
      },
      {
        GetFlows: (call: ServerWritableStream<Buffer, Buffer>) => {
          serveGetFlows(call, this.flows);
        },
        ServerStatus: unary(() => serverStatusReply(this.source, this.facts)),
        GetNodes: unary(() => getNodesReply(this.source, this.facts)),
      },
    );
    this.server.addService({ Notify: { ...m.peerNotify, requestDeserialize: identity, responseSerialize: identity } }, {
      Notify: (call: ServerWritableStream<Buffer, Buffer>) => {
        this.notify(call);
      },
    });
  }

  /** Binds and serves; resolves to the address bound (`127.0.0.1:34567` or `unix:/path`). */
  async listen(): Promise<string> {
    const listen = this.options.listen ?? "127.0.0.1:4245";
    const credentials = serverCredentials(this.options.tls);
    const port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(listen, credentials, (err, bound) => {
        if (err) reject(new ReplayServerError(`cannot listen on ${listen}: ${err.message}`, { cause: err }));
        else resolve(bound);
      });
    });
    this.boundAddress = listen.startsWith("unix:") ? listen : listen.replace(/:\d+$/, `:${port}`);
    this.facts = { ...this.facts, address: this.boundAddress };
    return this.boundAddress;
  }

  /** The address bound by {@link listen}; undefined before. */
  get address(): string | undefined {
    return this.boundAddress;
  }

  /**
   * Stops serving: open streams end with UNAVAILABLE (as when Relay shuts down), then the
   * server shuts down, cutting calls still busy after `closeTimeoutMs`. The source is not
   * stopped: it may be served again by a new server.
   */
  async close(): Promise<void> {
    const shuttingDown: Partial<StatusObject> = { code: status.UNAVAILABLE, details: "server shutting down" };
    for (const finish of [...this.flows.open.values()]) finish(shuttingDown);
    for (const call of this.notifies) call.end();
    this.notifies.clear();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, this.options.closeTimeoutMs ?? 2000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Drops every connection at once, like a crashed server. */
  kill(): void {
    this.flows.open.clear();
    this.notifies.clear();
    this.server.forceShutdown();
  }

  private notify(call: ServerWritableStream<Buffer, Buffer>): void {
    const metadata = new Metadata();
    metadata.set("hubble-server-version", this.facts.version);
    call.sendMetadata(metadata);
    // Hubble sends every known peer as PEER_ADDED, then changes; a replay has no changes.
    call.write(peerAddedNotice(this.facts));
    this.notifies.add(call);
    call.on("cancelled", () => this.notifies.delete(call));
  }
}
