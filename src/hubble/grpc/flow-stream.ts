import { status as grpcStatus } from "@grpc/grpc-js";
import type { Client, ClientReadableStream } from "@grpc/grpc-js";
import { toMillis } from "../../flows/index.js";
import type { HubbleEvent } from "../event.js";
import { parseHubbleAddress } from "./address.js";
import type { HubbleAddress } from "./address.js";
import { Backoff } from "./backoff.js";
import type { BackoffOptions } from "./backoff.js";
import { openHubbleClient } from "./channel.js";
import { HubbleConnectionError, connectionErrorFrom } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import { startFlowsCall } from "./flows-call.js";
import type { StreamEvent } from "./flows-call.js";
import type { EventQueueOptions } from "./event-queue.js";
import { encodeFlowsRequest } from "./flows-request.js";
import type { FlowsRequest } from "./flows-request.js";
import { StreamCounters } from "./stream-state.js";
import type { FlowStreamState } from "./stream-state.js";
import { checkTlsOptions } from "./tls-options.js";
import type { ClientTlsOptions } from "./tls-options.js";
import { resumeRequest, timestampOf } from "./resume.js";
import { ResumeDeduper } from "./resume-deduper.js";

/** Options of {@link openFlowStream}. Every field is optional. */
export interface FlowStreamOptions {
  /** `host:port`, `tls://host:port` or `unix:///path`; undefined means `localhost:4245`. */
  readonly address?: string;
  /** TLS/mTLS settings; undefined means plaintext unless the address says `tls://`. */
  readonly tls?: ClientTlsOptions;
  /** The GetFlows request; undefined means `{ follow: true }` (only new flows, forever). */
  readonly request?: FlowsRequest;
  /** Reconnect pacing (full-jitter exponential backoff). */
  readonly backoff?: BackoffOptions;
  /**
   * How far before the last flow received a resumed request starts, in ms (default 2000).
   * The overlap covers flows with equal or slightly out-of-order timestamps (Relay merges
   * nodes' streams); what is re-sent is dropped as a duplicate.
   */
  readonly resumeOverlapMs?: number;
  /**
   * On a failure, `retry` (default when following) reconnects with backoff and keeps
   * going; `stop` ends the stream and makes the consumer's loop throw the
   * `HubbleConnectionError` (the default for a request without `follow`).
   */
  readonly onFailure?: "retry" | "stop";
  /** Bounds of the hand-over queue (capacity before pausing, batch size). */
  readonly queue?: EventQueueOptions;
  /** Hears each message refused by the name or range rules (it is counted and skipped); undefined: only counted. */
  readonly onRejected?: (problem: { readonly path: string; readonly message: string }) => void;
}

// Retrying cannot fix these: the request itself is wrong for this server.
const PERMANENT = new Set<number>([grpcStatus.INVALID_ARGUMENT, grpcStatus.UNIMPLEMENTED]);

/**
 * A `GetFlows` stream from Hubble Relay or a node, delivered in batches through a pull-based
 * async iterator. Following streams reconnect after failures and resume where they left
 * off, dropping re-sent flows; reading pauses while the consumer is behind.
 */
export class FlowStream {
  private readonly counters = new StreamCounters();
  private readonly queue: EventQueue<HubbleEvent>;
  private readonly deduper: ResumeDeduper;
  private readonly backoff: Backoff;
  private readonly address: HubbleAddress;
  private readonly given: string;
  private readonly request: FlowsRequest;
  private readonly overlapMs: number;
  private readonly onFailure: "retry" | "stop";
  private client: Client | undefined;
  private call: ClientReadableStream<StreamEvent> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** Validates the options (throws `HubbleConnectionError` or `FlowFilterError`); does not connect. */
  constructor(private readonly options: FlowStreamOptions = {}) {
    this.address = parseHubbleAddress(options.address);
    this.given = options.address ?? this.address.target;
    checkTlsOptions(this.address, options.tls, this.given);
    this.request = options.request ?? { follow: true };
    encodeFlowsRequest(this.request);
    this.overlapMs = Math.max(0, options.resumeOverlapMs ?? 2000);
    this.onFailure = options.onFailure ?? (this.request.follow === true ? "retry" : "stop");
    // A resumed call asks for flows since (newest flow received - overlap), and only those
    // can come again: the window covers the overlap, plus a second for rounding to ms.
    this.deduper = new ResumeDeduper(this.overlapMs + 1000);
    this.backoff = new Backoff(options.backoff);
    this.queue = new EventQueue(
      () => {
        this.counters.pauses++;
        this.call?.pause();
      },
      () => this.call?.resume(),
      options.queue,
    );
  }

  /** Opens the first call. Called by {@link openFlowStream}. */
  start(): this {
    if (!this.client && !this.stopped) this.connect();
    return this;
  }

  /**
   * The events, in batches, until the stream stops. Single consumer. Leaving the loop early
   * stops the stream. With `onFailure: "stop"` the loop throws the `HubbleConnectionError`.
   */
  async *batches(): AsyncGenerator<readonly HubbleEvent[], void, undefined> {
    try {
      yield* this.queue.batches();
    } finally {
      this.stop();
    }
  }

  /** A snapshot of the connection state and counters. */
  get state(): FlowStreamState {
    const c = this.counters;
    return {
      status: c.status,
      address: this.given,
      lastError: c.lastError,
      reconnects: c.reconnects,
      lastFlowTime: c.lastFlowTime,
      flowsReceived: c.flowsReceived,
      messagesReceived: c.messagesReceived,
      duplicatesDropped: this.deduper.duplicates,
      lostEvents: { ...c.lostEvents },
      nodeStatusChanges: { ...c.nodeStatusChanges },
      undecodable: c.undecodable,
      rejected: c.rejected,
      suspectedGaps: c.suspectedGaps,
      paused: this.queue.isFull,
      pauses: c.pauses,
      queued: this.queue.length,
      serverVersion: c.serverVersion,
    };
  }

  /** Cancels the call and any pending retry; the consumer gets what is queued, then ends. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.call?.cancel();
    this.client?.close();
    this.counters.status = "stopped";
    this.queue.end();
  }

  private connect(): void {
    this.counters.status = "connecting";
    let client: Client;
    try {
      client = openHubbleClient(this.address, this.options.tls, this.given);
    } catch (err) {
      this.failed(connectionErrorFrom(this.given, err));
      return;
    }
    this.client = client;
    const resumeFrom = this.counters.lastFlowTime;
    const resumed = resumeRequest(this.request, resumeFrom, this.overlapMs);
    if (resumeFrom && resumed.since && resumed !== this.request) this.deduper.resume(timestampOf(resumed.since), resumeFrom);
    const request = encodeFlowsRequest(resumed);
    let checkGap = resumeFrom !== undefined;
    const call = startFlowsCall(client, request, {
      onMetadata: (version) => {
        if (version !== undefined) this.counters.serverVersion = version;
        if (!this.stopped) this.counters.status = "connected";
      },
      onEvent: (event) => {
        this.counters.messagesReceived++;
        if (this.counters.status === "connecting") this.counters.status = "connected";
        this.backoff.reset();
        const fresh = this.accept(event);
        if (event.kind === "flow" && checkGap && resumeFrom) {
          // Hubble re-sends the last flow we got while it is still buffered; when the first
          // flow of a resumed call is newer and new to us, the buffer moved past our resume point.
          checkGap = false;
          if (fresh && toMillis(event.flow.time) > toMillis(resumeFrom)) this.counters.suspectedGaps++;
        }
      },
      onDone: (error) => {
        if (this.call === call) this.finished(client, error);
      },
    });
    this.call = call;
    if (this.queue.isFull) call.pause();
  }

  /** Queues or counts one event; true when it was a new flow. */
  private accept(event: StreamEvent): boolean {
    switch (event.kind) {
      case "flow":
        if (!this.deduper.accept(event.flow)) return false;
        this.counters.flowsReceived++;
        this.counters.noteFlowTime(event.flow.time);
        this.queue.push(event);
        return true;
      case "lost-events":
        this.counters.countLost(event.source, event.count);
        this.queue.push(event);
        return false;
      case "node-status":
        this.counters.countNodeStatus(event.state);
        this.queue.push(event);
        return false;
      case "undecodable":
        this.counters.undecodable++;
        return false;
      case "rejected":
        this.counters.rejected++;
        this.options.onRejected?.({ path: event.path, message: event.message });
        return false;
      case "empty":
        return false;
      default: {
        const never: never = event;
        throw new Error(`unexpected event ${JSON.stringify(never)}`);
      }
    }
  }

  private finished(client: Client, error: Error | undefined): void {
    client.close();
    this.call = undefined;
    this.client = undefined;
    if (this.stopped) return;
    if (error === undefined && this.request.follow !== true) {
      this.stopped = true;
      this.counters.status = "stopped";
      this.queue.end();
      return;
    }
    this.failed(error === undefined ? new HubbleConnectionError(this.given, "unavailable", "the server ended the stream") : connectionErrorFrom(this.given, error));
  }

  private failed(err: HubbleConnectionError): void {
    this.counters.lastError = err;
    const permanent = err.grpcCode !== undefined && PERMANENT.has(err.grpcCode);
    if (this.onFailure === "stop" || permanent || err.problem === "address") {
      this.stopped = true;
      this.counters.status = "stopped";
      this.queue.fail(err);
      return;
    }
    this.counters.status = "reconnecting";
    this.counters.reconnects++;
    this.timer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, this.backoff.next());
  }
}

/** Creates a {@link FlowStream} and opens its first call. Throws on invalid options. */
export function openFlowStream(options: FlowStreamOptions = {}): FlowStream {
  return new FlowStream(options).start();
}
