import type { Timestamp } from "../../flows/index.js";
import type { HubbleConnectionError } from "./errors.js";

/**
 * Where a flow stream is: `connecting` (a call is open but the server has not answered yet),
 * `connected` (the server answered; events flow), `reconnecting` (waiting out the backoff
 * after a failure), `stopped` (ended by `stop()`, by the end of a non-follow request, or by a
 * failure when retries are off). A connected stream that delivers nothing while the server
 * sees flows is `stalled`: a StreamWatch (stream-watch.ts) tells, the stream itself cannot.
 */
export type FlowStreamStatus = "connecting" | "connected" | "reconnecting" | "stopped";

/** A snapshot of a flow stream's health, for logs, metrics and the status API. */
export interface FlowStreamState {
  readonly status: FlowStreamStatus;
  /** The address as given (e.g. `tls://hubble-relay:443`). */
  readonly address: string;
  /** The most recent failure; undefined until one happens. It is kept after recovery. */
  readonly lastError: HubbleConnectionError | undefined;
  /** Connection attempts after the first one. */
  readonly reconnects: number;
  /** Newest flow time received; undefined before the first flow. Resumes start from it. */
  readonly lastFlowTime: Timestamp | undefined;
  /** Flows delivered (duplicates excluded). */
  readonly flowsReceived: number;
  /** Messages of any kind received from the server, over all calls (a stall check reads its growth). */
  readonly messagesReceived: number;
  /** Flows dropped as already delivered (re-sent after a resume). */
  readonly duplicatesDropped: number;
  /** Events Hubble reported lost (`lost_events.num_events_lost`), summed by source name. */
  readonly lostEvents: Readonly<Record<string, number>>;
  /** Relay `node_status` events received, counted by state name (NODE_CONNECTED, ...). */
  readonly nodeStatusChanges: Readonly<Record<string, number>>;
  /** Messages whose bytes could not be decoded (skipped). */
  readonly undecodable: number;
  /** Decoded messages refused by the name or range rules (skipped; see eventProblem). */
  readonly rejected: number;
  /**
   * Resumes where the server no longer had the last flow received, so flows in between
   * may be missing: Hubble does not report that gap itself.
   */
  readonly suspectedGaps: number;
  /** True while reading is paused because the consumer is behind. */
  readonly paused: boolean;
  /** How often reading was paused for the consumer. */
  readonly pauses: number;
  /** Events waiting for the consumer. */
  readonly queued: number;
  /** Version the server sent in `hubble-server-version` / `hubble-relay-version`; undefined if none. */
  readonly serverVersion: string | undefined;
}

/** The mutable counters behind {@link FlowStreamState}. */
export class StreamCounters {
  status: FlowStreamStatus = "connecting";
  lastError: HubbleConnectionError | undefined;
  reconnects = 0;
  lastFlowTime: Timestamp | undefined;
  flowsReceived = 0;
  messagesReceived = 0;
  readonly lostEvents: Record<string, number> = {};
  readonly nodeStatusChanges: Record<string, number> = {};
  undecodable = 0;
  rejected = 0;
  suspectedGaps = 0;
  pauses = 0;
  serverVersion: string | undefined;

  countLost(source: string, count: number): void {
    this.lostEvents[source] = (this.lostEvents[source] ?? 0) + count;
  }

  countNodeStatus(state: string): void {
    this.nodeStatusChanges[state] = (this.nodeStatusChanges[state] ?? 0) + 1;
  }

  noteFlowTime(time: Timestamp): void {
    const last = this.lastFlowTime;
    if (!last || time.seconds > last.seconds || (time.seconds === last.seconds && time.nanos > last.nanos)) {
      this.lastFlowTime = time;
    }
  }
}
