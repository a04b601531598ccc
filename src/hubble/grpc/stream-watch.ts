import type { FlowStreamState, FlowStreamStatus } from "./stream-state.js";

/** A stream's health as operators read it: the stream's own status, or `stalled`. */
export type StreamHealth = FlowStreamStatus | "stalled";

/**
 * What the server says about its own traffic when the stream is silent: how many flows it
 * has seen since it started (`seen_flows`), or `unanswered` when the call failed or ran out
 * of time (a frozen server).
 */
export type ProbeAnswer =
  | { readonly kind: "answered"; readonly seenFlows: number }
  /** The server does not implement ServerStatus: silence alone decides (quiet, never stalled). */
  | { readonly kind: "unsupported" }
  | { readonly kind: "unanswered"; readonly detail: string };

/** One change of health worth a log line. */
export type StreamChange =
  /** A connected stream failed; it reconnects with backoff. */
  | { readonly kind: "disconnected"; readonly error: string | undefined; readonly reconnects: number }
  /** Connected again after `downMs` (counted from the disconnect) and `attempts` failed tries. */
  | { readonly kind: "reconnected"; readonly downMs: number; readonly attempts: number }
  /** Connected, but nothing came for `silentMs` while the server has traffic or does not answer. */
  | { readonly kind: "stalled"; readonly silentMs: number; readonly detail: string }
  /** Messages arrive again after a stall of `stalledMs`. */
  | { readonly kind: "resumed"; readonly stalledMs: number };

/** Options of a {@link StreamWatch}. */
export interface StreamWatchOptions {
  /** Silence (no message while reading) after which the stream is stalled when the server has traffic or does not answer, in ms. */
  readonly stallAfterMs: number;
  /**
   * Silence after which the watch starts asking the server whether the stream is merely
   * quiet (default `stallAfterMs`); two answers in a row without new `seen_flows` make it
   * {@link StreamWatch.quiet}.
   */
  readonly quietAfterMs?: number;
  /** Asks the server (Hubble's ServerStatus) whether flows are arriving. */
  readonly probe: () => Promise<ProbeAnswer>;
  readonly onChange: (change: StreamChange) => void;
}

/**
 * Tells a stalled stream from a quiet one, and names every disconnect and reconnect. Fed
 * the stream's state at a steady pace (`observe`), it notes when messages last arrived; a
 * connected stream silent for `stallAfterMs` while not paused by backpressure makes it ask
 * the server, and ask again every `stallAfterMs / 2` while the silence lasts. When the
 * server's `seen_flows` grew between two answers (it sees flows we do not get), or it does
 * not answer at all, the stream is `stalled` until a message arrives again. Hubble sends
 * nothing on an idle stream, so silence alone is not a fault; and `flows_rate` is not used
 * because it averages over the last minute, so traffic that just stopped would still show.
 */
export class StreamWatch {
  private lastMessages = -1;
  private lastProgressMs = 0;
  private lastStatus: FlowStreamStatus | undefined;
  private lastReconnects = 0;
  private downSinceMs: number | undefined;
  /** `reconnects` before the current outage. */
  private downFrom = 0;
  private stalledSinceMs: number | undefined;
  private probing = false;
  private lastProbeMs = 0;
  /** seen_flows of the previous answer during this silence; undefined before one. */
  private quietSeen: number | undefined;
  private quietConfirmed = false;
  /** Stalls seen so far. */
  stalls = 0;
  /** Disconnects of a connected stream seen so far. */
  disconnects = 0;

  constructor(private readonly options: StreamWatchOptions) {}

  /** Takes in the stream's latest state at `nowMs`; returns its health. */
  observe(state: FlowStreamState, nowMs: number): StreamHealth {
    const moved = state.messagesReceived !== this.lastMessages;
    if (moved || state.paused || state.status !== "connected") {
      this.lastMessages = state.messagesReceived;
      this.lastProgressMs = nowMs;
      this.quietSeen = undefined;
      this.quietConfirmed = false;
    }
    this.followStatus(state, nowMs);
    if (this.stalledSinceMs !== undefined && (moved || state.status !== "connected")) {
      if (state.status === "connected") this.options.onChange({ kind: "resumed", stalledMs: nowMs - this.stalledSinceMs });
      this.stalledSinceMs = undefined;
    }
    if (state.status === "connected" && this.stalledSinceMs === undefined) this.maybeProbe(nowMs);
    return this.stalledSinceMs === undefined ? state.status : "stalled";
  }

  /**
   * True while the stream is connected and silent because the server has nothing to send:
   * it answered ServerStatus twice during this silence without seeing new flows. A stream
   * that is reconnecting, frozen (no answer) or stalled is never quiet.
   */
  get quiet(): boolean {
    return this.quietConfirmed && this.lastStatus === "connected" && this.stalledSinceMs === undefined;
  }

  /**
   * Logs disconnects and reconnects. Each failure the stream retries after adds one to
   * `reconnects`, so a failure and a recovery between two observations are still seen.
   */
  private followStatus(state: FlowStreamState, nowMs: number): void {
    this.lastStatus = state.status;
    const failures = state.reconnects - this.lastReconnects;
    this.lastReconnects = state.reconnects;
    if (failures > 0 && this.downSinceMs === undefined) {
      this.disconnects++;
      this.downSinceMs = nowMs;
      this.downFrom = state.reconnects - failures;
      this.options.onChange({ kind: "disconnected", error: state.lastError?.message, reconnects: state.reconnects });
    }
    if (state.status === "connected" && this.downSinceMs !== undefined) {
      this.options.onChange({ kind: "reconnected", downMs: nowMs - this.downSinceMs, attempts: state.reconnects - this.downFrom });
      this.downSinceMs = undefined;
    }
  }

  private maybeProbe(nowMs: number): void {
    const { stallAfterMs } = this.options;
    const quietAfterMs = Math.min(stallAfterMs, this.options.quietAfterMs ?? stallAfterMs);
    const silentMs = nowMs - this.lastProgressMs;
    // Ask once the silence reaches quietAfterMs, then again every quietAfterMs (and at least
    // every stallAfterMs / 2 once it reaches stallAfterMs) while it lasts.
    const every = silentMs < stallAfterMs ? quietAfterMs : Math.min(quietAfterMs, stallAfterMs / 2);
    if (this.probing || silentMs < quietAfterMs || nowMs - this.lastProbeMs < every) return;
    this.probing = true;
    this.lastProbeMs = nowMs;
    const messages = this.lastMessages;
    this.options.probe().then(
      (answer) => { this.answered(answer, messages, silentMs); },
      (err: unknown) => { this.answered({ kind: "unanswered", detail: err instanceof Error ? err.message : String(err) }, messages, silentMs); },
    );
  }

  private answered(answer: ProbeAnswer, messagesAtProbe: number, silentMs: number): void {
    this.probing = false;
    // A message or a status change while the probe ran: the stream is not silent any more.
    if (this.lastMessages !== messagesAtProbe || this.lastStatus !== "connected") return;
    if (answer.kind === "unsupported") {
      this.quietConfirmed = true;
      return;
    }
    let detail: string | undefined;
    if (answer.kind === "answered") {
      if (this.quietSeen !== undefined && answer.seenFlows > this.quietSeen) detail = `the server saw ${answer.seenFlows - this.quietSeen} flows meanwhile`;
      else {
        if (this.quietSeen !== undefined) this.quietConfirmed = true;
        this.quietSeen = answer.seenFlows;
      }
    } else {
      detail = `the server does not answer ServerStatus (${answer.detail})`;
    }
    if (detail === undefined) return;
    this.quietConfirmed = false;
    // Before --stall-after, a sign of trouble only keeps the stream from counting as quiet.
    if (silentMs < this.options.stallAfterMs) {
      if (answer.kind === "answered") this.quietSeen = answer.seenFlows;
      return;
    }
    this.stalls++;
    this.stalledSinceMs = this.lastProgressMs + silentMs;
    this.options.onChange({ kind: "stalled", silentMs, detail });
  }
}
