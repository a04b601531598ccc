import { flowKey } from "../flows/index.js";
import type { Flow, Timestamp } from "../flows/index.js";
import { dbOf } from "./store.js";
import type { GraphStore } from "./store.js";

/**
 * Where ingestion of one source stopped: the time and key (uuid, or a content key for
 * flows without one) of the last flow whose connections are stored. Every stored count
 * comes from flows at or before it in stream order.
 */
export interface IngestCursor {
  readonly time: Timestamp;
  readonly flowKey: string;
}

/** The cursor of `source` (a relay address or a file path); undefined when never ingested. */
export function readCursor(store: GraphStore, source: string): IngestCursor | undefined {
  const row = dbOf(store).prepare("SELECT seconds, nanos, flow_key FROM ingest_cursors WHERE source = ?").get(source) as
    | { seconds: number; nanos: number; flow_key: string }
    | undefined; // the SELECT's columns
  return row ? { time: { seconds: row.seconds, nanos: row.nanos }, flowKey: row.flow_key } : undefined;
}

/** The cursor a flow becomes once its connections are stored. */
export function cursorOf(flow: Flow): IngestCursor {
  return { time: flow.time, flowKey: flowKey(flow) };
}

function compare(a: Timestamp, b: Timestamp): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** Options of a {@link ResumeFilter}. */
export interface ResumeFilterOptions {
  /**
   * How far past the cursor time flows may still come before the cursor's own flow in the
   * source's order (default 0). A file read again repeats its order exactly, and 60 s covers
   * the out-of-order interleaving of nodes; a Hubble stream resumed with `since` is sent in
   * time order, so 0 fits it.
   */
  readonly reorderMs?: number;
}

/**
 * Drops what a previous run already stored when a source is read again from its cursor
 * (a file read from the start, or a Hubble stream asked for flows `since` the cursor time).
 * Until the cursor's own flow goes by, flows up to the cursor time plus `reorderMs` are
 * skipped as stored; the first flow beyond that, or the one after the cursor's own flow,
 * ends skipping. When the cursor's flow never reappears, a few flows close to the cursor
 * time may be skipped that were not stored: the price of never counting a flow twice.
 */
export class ResumeFilter {
  private passed: boolean;
  private readonly limit: Timestamp | undefined;
  /** Flows skipped as already stored. */
  skipped = 0;

  constructor(
    private readonly cursor: IngestCursor | undefined,
    options: ResumeFilterOptions = {},
  ) {
    this.passed = cursor === undefined;
    const slack = Math.max(0, options.reorderMs ?? 0);
    this.limit = cursor
      ? { seconds: cursor.time.seconds + Math.floor(slack / 1000), nanos: cursor.time.nanos }
      : undefined;
  }

  /** True when the flow is new to the store and should be ingested. */
  accept(flow: Flow): boolean {
    if (this.passed || !this.cursor || !this.limit) return true;
    if (flowKey(flow) === this.cursor.flowKey) {
      this.passed = true;
      this.skipped++;
      return false;
    }
    if (compare(flow.time, this.limit) <= 0) {
      this.skipped++;
      return false;
    }
    this.passed = true;
    return true;
  }

  /** True when a non-flow event (lost events) at `time` is new; undefined time counts as new. */
  acceptAt(time: Timestamp | undefined): boolean {
    if (this.passed || !this.cursor || !time) return true;
    return compare(time, this.cursor.time) > 0;
  }
}
