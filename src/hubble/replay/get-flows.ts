import { Metadata, status } from "@grpc/grpc-js";
import type { ServerWritableStream, StatusObject } from "@grpc/grpc-js";
import { messageType } from "../proto/index.js";
import { compareTime, decodeFlowsQuery } from "./flows-query.js";
import type { FlowsQuery } from "./flows-query.js";
import { planRead } from "./read-plan.js";
import type { ReplaySource } from "./replay-source.js";

/** What every GetFlows call of one server shares. */
export interface GetFlowsContext {
  readonly source: ReplaySource;
  readonly nodeName: string;
  readonly version: string;
  /** Open calls, each with the function that ends it with a status (used on shutdown). */
  readonly open: Map<object, (error: Partial<StatusObject>) => void>;
  /**
   * The ring sequence below which events have arrived: all of them, or, when the ring fills
   * at a pace (see ReplayServerOptions.fillRate), those the pace has reached by now.
   */
  readonly arrived: () => number;
}

/** How often a call waiting for a paced ring looks again (ms). */
const PACE_TICK_MS = 20;

type FlowsCall = ServerWritableStream<Buffer, Buffer>;

function lostEventsNotice(nodeName: string, lost: number): Buffer {
  const type = messageType("observer.GetFlowsResponse");
  const nowMs = Date.now();
  const time = { seconds: Math.floor(nowMs / 1000), nanos: (nowMs % 1000) * 1e6 };
  const message = type.fromObject({
    lost_events: { source: "HUBBLE_RING_BUFFER", num_events_lost: lost },
    node_name: nodeName,
    time,
  });
  return Buffer.from(type.encode(message).finish());
}

function parse(call: FlowsCall): FlowsQuery | Partial<StatusObject> {
  let query: FlowsQuery;
  try {
    query = decodeFlowsQuery(call.request);
  } catch (err) {
    return { code: status.INVALID_ARGUMENT, details: `malformed GetFlowsRequest: ${err instanceof Error ? err.message : String(err)}` };
  }
  // Hubble's validateRequest rejects this combination with the same wording.
  if (query.first && query.follow) return { code: status.INVALID_ARGUMENT, details: "first cannot be specified with follow" };
  if (query.filterCount > 0) return { code: status.UNIMPLEMENTED, details: "the replay server does not apply flow filters" };
  return query;
}

/**
 * Serves one GetFlows call from the ring: the planned backlog, then (when following) every
 * new event as it is appended. Writes pre-encoded messages and honours backpressure: when
 * `write` returns false it waits for 'drain'. A reader overtaken by the ring gets a
 * HUBBLE_RING_BUFFER lost-events notice with the number of events it missed, as Hubble sends.
 */
export function serveGetFlows(call: FlowsCall, ctx: GetFlowsContext): void {
  const query = parse(call);
  if (!("follow" in query)) {
    call.emit("error", query);
    return;
  }
  const metadata = new Metadata();
  metadata.set("hubble-server-version", ctx.version);
  call.sendMetadata(metadata);
  const ring = ctx.source.ring;
  const plan = planRead(ring, query);
  let cursor = plan.start;
  let sent = 0;
  let waiting = false;
  let done = false;
  let paceTimer: NodeJS.Timeout | undefined;
  const finish = (error?: Partial<StatusObject>): void => {
    if (done) return;
    done = true;
    clearTimeout(paceTimer);
    unsubscribe();
    ctx.open.delete(call);
    if (call.cancelled) return;
    if (error) call.emit("error", error);
    else call.end();
  };
  const pump = (): void => {
    waiting = false;
    paceTimer = undefined;
    while (!done) {
      let bytes: Buffer;
      let isFlow = false;
      if (cursor < ring.oldestSeq) {
        bytes = lostEventsNotice(ctx.nodeName, ring.oldestSeq - cursor);
        cursor = ring.oldestSeq;
      } else {
        if (cursor >= (plan.end ?? ring.nextSeq)) {
          if (plan.end !== undefined) finish();
          else waiting = true;
          return;
        }
        if (cursor >= ctx.arrived()) {
          paceTimer = setTimeout(pump, PACE_TICK_MS);
          return;
        }
        const entry = ring.at(cursor++);
        if (!entry) continue;
        if (entry.isFlow && plan.until && entry.time && compareTime(entry.time, plan.until) > 0) {
          finish();
          return;
        }
        bytes = entry.bytes;
        isFlow = entry.isFlow;
      }
      const more = call.write(bytes);
      if (isFlow && plan.maxFlows > 0 && ++sent >= plan.maxFlows) {
        finish();
        return;
      }
      if (!more) {
        call.once("drain", pump);
        return;
      }
    }
  };
  const unsubscribe = ctx.source.subscribe(() => {
    if (waiting && paceTimer === undefined) pump();
  });
  ctx.open.set(call, finish);
  call.on("cancelled", () => {
    finish();
  });
  pump();
}
