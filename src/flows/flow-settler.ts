import { BoundedMap } from "./bounded-map.js";
import { endpointPort, fiveTuple } from "./five-tuple.js";
import { toMillis } from "./flow.js";
import type { Flow, FlowEndpoint } from "./flow.js";
import type { FlowDirection } from "./flow-direction.js";
import { reportedDirection } from "./flow-direction.js";
import { isManaged, isWorldLabelled } from "./endpoint-kind.js";

/** How a settled flow's direction was decided. */
export type SettledBy = "reported" | "tuple" | "server" | "unsettled";

/** A flow with its direction decided, and its endpoints as Cilium enforced on them. */
export interface SettledFlow {
  /** The flow as it was pushed. */
  readonly input: Flow;
  /** The flow as Cilium enforced on it: `input`, or for a corrected L7 record a copy with the managed endpoint in place of the world one. */
  readonly flow: Flow;
  /** The flow's 5-tuple as seen (see fiveTuple), when the settler built it; undefined otherwise. */
  readonly tuple?: string;
  readonly direction: FlowDirection;
  readonly settledBy: SettledBy;
}

/** Options of a {@link FlowSettler}; times are flow time in ms. */
export interface FlowSettlerOptions {
  /**
   * How long a flow whose direction nothing has settled yet waits for more evidence
   * (default 500, below the connection tracker's 1 s merge window, so a settled packet still
   * meets the other sightings of itself).
   */
  readonly holdMs?: number;
  /** Bound on each evidence map: 5-tuples, serving ports, proxied connections (default 131072). */
  readonly maxEvidence?: number;
  /** Bound on flows waiting for evidence; past it the oldest is settled with what is known (default 50000). */
  readonly maxHeld?: number;
}

/** What the settler did, for summaries and metrics. */
export interface SettlerStats {
  /** Flows whose direction Hubble's own fields gave. */
  reported: number;
  /** Settled by another sighting of the 5-tuple (or of its reverse). */
  byTuple: number;
  /** Settled because one end serves that port in settled requests. */
  byServer: number;
  /** Left unknown: counted on their edge, never taken for connections. */
  unknown: number;
  /** L7 records whose world-labelled peer was replaced by the managed identity of its 5-tuple. */
  corrected: number;
}

/** The two ends of a proxied connection as its L3/L4 records report them, client first. */
interface ProxiedEnds {
  readonly client: FlowEndpoint;
  readonly server: FlowEndpoint;
}

interface Held {
  readonly flow: Flow;
  readonly atMs: number;
}

/**
 * Settles the direction of every flow and the identity Cilium enforced on for L7 records,
 * from what the other flows of the stream say. Flows go in in time order (see
 * FlowReorderBuffer) and come out through `emit`, most at once; a flow nothing settles yet
 * waits up to `holdMs` of flow time for evidence and may come out after later flows.
 *
 * Direction, for a flow whose own fields do not give it (see reportedDirection):
 * 1. the same 5-tuple was seen as a request: a request; its reverse was: a reply;
 * 2. exactly one end is an address and port that settled requests went to (a server): a
 *    request when that is the destination, a reply when it is the source;
 * 3. otherwise it stays unknown. No trace observation point settles it on its own: Cilium
 *    emits TO_PROXY for return traffic of proxied connections too (bpf_lxc: "return traffic
 *    to an ingress proxy"), and TO_OVERLAY / TO_STACK / TO_ENDPOINT carry both directions.
 *
 * Identity: Cilium 1.10's L7 proxy labelled some in-cluster peers `reserved:world` in its
 * access-log records while Hubble still named the pod (seen in the recorded bookinfo
 * capture). Enforcement happened on the identity the datapath resolved, which the L3/L4
 * records of the same 5-tuple (the TO_PROXY traces and the REDIRECTED verdict) carry: an L7
 * record whose peer is world-labelled takes the managed endpoint of its 5-tuple from those
 * records. Without such records a world-labelled peer stays world, as Cilium enforces it.
 *
 * Pure and bounded: time comes only from the flows; every map holds at most `maxEvidence`.
 */
export class FlowSettler {
  private readonly requests: BoundedMap<string, true>;
  private readonly servers: BoundedMap<string, true>;
  private readonly proxied: BoundedMap<string, ProxiedEnds>;
  private held: (Held | undefined)[] = [];
  private heldStart = 0;
  private now = Number.NEGATIVE_INFINITY;
  private readonly holdMs: number;
  private readonly maxHeld: number;
  readonly stats: SettlerStats = { reported: 0, byTuple: 0, byServer: 0, unknown: 0, corrected: 0 };

  constructor(options: FlowSettlerOptions = {}) {
    const max = Math.max(1, Math.floor(options.maxEvidence ?? 131_072));
    this.requests = new BoundedMap(max);
    this.servers = new BoundedMap(max);
    this.proxied = new BoundedMap(max);
    this.holdMs = options.holdMs ?? 500;
    this.maxHeld = Math.max(1, Math.floor(options.maxHeld ?? 50_000));
  }

  /** Flows waiting for evidence. */
  get waiting(): number {
    return this.held.length - this.heldStart;
  }

  /** Visits every flow waiting for evidence, oldest first. */
  forEachWaiting(visit: (flow: Flow, atMs: number) => void): void {
    for (let i = this.heldStart; i < this.held.length; i++) {
      const held = this.held[i];
      if (held !== undefined) visit(held.flow, held.atMs);
    }
  }

  /** Takes one flow; every flow that became settled is passed to `emit`. */
  push(flow: Flow, emit: (settled: SettledFlow) => void): void {
    const at = toMillis(flow.time);
    if (at > this.now) {
      this.now = at;
      this.release(at - this.holdMs, emit);
    }
    const reported = reportedDirection(flow);
    if (reported !== "unknown") {
      this.stats.reported++;
      const tuple = this.learn(flow, reported, true);
      const corrected = this.corrected(flow, reported);
      emit(reported === "request" && tuple !== undefined
        ? { input: flow, flow: corrected, direction: reported, settledBy: "reported", tuple }
        : { input: flow, flow: corrected, direction: reported, settledBy: "reported" });
      return;
    }
    const inferred = this.infer(flow);
    if (inferred !== undefined) {
      emit(inferred);
      return;
    }
    this.held.push({ flow, atMs: at });
    if (this.waiting > this.maxHeld) this.releaseOne(emit);
  }

  /** Settles every waiting flow first seen at or before `untilMs` with the evidence there is. */
  release(untilMs: number, emit: (settled: SettledFlow) => void): void {
    while (this.heldStart < this.held.length) {
      const next = this.held[this.heldStart];
      if (next === undefined || next.atMs > untilMs) break;
      this.releaseOne(emit);
    }
  }

  /** Settles everything still waiting (end of input). */
  drain(emit: (settled: SettledFlow) => void): void {
    this.release(Number.POSITIVE_INFINITY, emit);
  }

  private releaseOne(emit: (settled: SettledFlow) => void): void {
    const next = this.held[this.heldStart];
    if (next === undefined) return;
    this.held[this.heldStart] = undefined; // released: let it be collected
    this.heldStart++;
    if (this.heldStart > 1024 && this.heldStart * 2 > this.held.length) {
      this.held = this.held.slice(this.heldStart);
      this.heldStart = 0;
    }
    const inferred = this.infer(next.flow);
    if (inferred !== undefined) {
      emit(inferred);
      return;
    }
    this.stats.unknown++;
    emit({ input: next.flow, flow: next.flow, direction: "unknown", settledBy: "unsettled" });
  }

  private infer(flow: Flow): SettledFlow | undefined {
    const l4 = flow.l4;
    if (!l4) return undefined;
    if (this.requests.get(fiveTuple(flow, l4, "as-seen")) !== undefined) return this.settled(flow, "request", "tuple");
    if (this.requests.get(fiveTuple(flow, l4, "reversed")) !== undefined) return this.settled(flow, "reply", "tuple");
    const source = endpointPort(flow, l4, "source");
    const destination = endpointPort(flow, l4, "destination");
    if (source === undefined || destination === undefined) return undefined;
    const servesSource = this.servers.get(source) !== undefined;
    const servesDestination = this.servers.get(destination) !== undefined;
    if (servesDestination && !servesSource) return this.settled(flow, "request", "server");
    if (servesSource && !servesDestination) return this.settled(flow, "reply", "server");
    return undefined;
  }

  private settled(flow: Flow, direction: "request" | "reply", by: "tuple" | "server"): SettledFlow {
    if (by === "tuple") this.stats.byTuple++;
    else this.stats.byServer++;
    // A direction inferred once holds for the rest of the 5-tuple's packets; serving ports
    // are learnt only from what Hubble reported, so an inference never feeds another.
    const tuple = this.learn(flow, direction, false);
    const corrected = this.corrected(flow, direction);
    return direction === "request" && tuple !== undefined
      ? { input: flow, flow: corrected, direction, settledBy: by, tuple }
      : { input: flow, flow: corrected, direction, settledBy: by };
  }

  /** Records what a flow of known direction says; returns its 5-tuple in request orientation. */
  private learn(flow: Flow, direction: "request" | "reply", reported: boolean): string | undefined {
    const l4 = flow.l4;
    if (!l4) return undefined;
    const tuple = fiveTuple(flow, l4, direction === "request" ? "as-seen" : "reversed");
    if (this.requests.get(tuple) === undefined) {
      this.requests.set(tuple, true);
      // A 5-tuple's first sighting names its server; later packets of it name the same one.
      if (reported) {
        const server = endpointPort(flow, l4, direction === "request" ? "destination" : "source");
        if (server !== undefined && this.servers.get(server) === undefined) this.servers.set(server, true);
      }
    }
    if (!flow.l7 && flow.source && flow.destination && (flow.traceObservationPoint === "TO_PROXY" || flow.verdict === "REDIRECTED")) {
      const ends = direction === "request" ? { client: flow.source, server: flow.destination } : { client: flow.destination, server: flow.source };
      if (isManaged(ends.client) || isManaged(ends.server)) this.proxied.set(tuple, ends);
    }
    return tuple;
  }

  /** The flow with a world-labelled L7 peer replaced by the managed endpoint of its 5-tuple (see the class comment). */
  private corrected(flow: Flow, direction: FlowDirection): Flow {
    if (!flow.l7 || !flow.l4 || direction === "unknown") return flow;
    const worldSource = flow.source !== undefined && isWorldLabelled(flow.source);
    const worldDestination = flow.destination !== undefined && isWorldLabelled(flow.destination);
    if (!worldSource && !worldDestination) return flow;
    const ends = this.proxied.get(fiveTuple(flow, flow.l4, direction === "request" ? "as-seen" : "reversed"));
    if (ends === undefined) return flow;
    const sourceEnd = direction === "request" ? ends.client : ends.server;
    const destinationEnd = direction === "request" ? ends.server : ends.client;
    const source = worldSource && isManaged(sourceEnd) ? sourceEnd : flow.source;
    const destination = worldDestination && isManaged(destinationEnd) ? destinationEnd : flow.destination;
    if (source === flow.source && destination === flow.destination) return flow;
    this.stats.corrected++;
    return { ...flow, source, destination };
  }
}
