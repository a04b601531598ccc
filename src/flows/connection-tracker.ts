import type { Flow, Layer4 } from "./flow.js";
import { toMillis } from "./flow.js";
import type { Connection, ConnectionKind, ConnectionProtocol } from "./connection.js";
import { fiveTuple } from "./five-tuple.js";
import { isUpstreamLeg, l7Of, portOf, proxyKey } from "./connection-parts.js";
import type { SkipReason } from "./flow-role.js";
import { flowRole } from "./flow-role.js";
import { FlowSettler } from "./flow-settler.js";
import type { FlowSettlerOptions, SettledFlow, SettlerStats } from "./flow-settler.js";
import { FlowTally, tallyClassOf } from "./flow-tally.js";
import type { FlowCount, TallySlot } from "./flow-tally.js";
import type { Identity } from "./identity.js";
import type { IdentityResolver } from "./identity-resolver.js";
import { TrackedConnection } from "./tracked-connection.js";
import type { ConnectionStart } from "./tracked-connection.js";

/** Options of a {@link ConnectionTracker}; all times are flow time in milliseconds. */
export interface ConnectionTrackerOptions {
  /** How long reports of one packet from several observation points are merged (default 1000). */
  readonly mergeWindowMs?: number;
  /**
   * How long a TCP connection's 5-tuple is remembered after its SYN (default 60000): a SYN on
   * the same 5-tuple within this time is a retransmission, since Linux keeps a closed
   * connection's tuple in TIME_WAIT for 60 s and cannot reuse it for a new one sooner.
   */
  readonly tcpHoldMs?: number;
  /** Bound on connections held in memory (default 200k); the oldest are emitted early. */
  readonly maxTracked?: number;
  /** How flows without a reported direction are settled (see FlowSettler). */
  readonly settler?: FlowSettlerOptions;
  /**
   * Names the input record a flow came from (its ordinal in a file); undefined: flows are not
   * named. Connections remember the record of their first flow, so a restart can tell them.
   */
  readonly originOf?: (flow: Flow) => number | undefined;
  /** What a previous run already stored, to be tracked again without being counted again. */
  readonly replay?: TrackerReplay;
  /**
   * Keep a log of the TCP 5-tuples that become held (see {@link ConnectionTracker.takeHeldChanges}),
   * so that they can be stored with each batch and restored by a restart (default false).
   */
  readonly logHeld?: boolean;
}

/** A TCP 5-tuple whose connection was emitted, and the flow time (ms) of its first flow. */
export type HeldTupleEntry = readonly [key: string, firstMs: number];

/**
 * How the held TCP 5-tuples changed since the last take: those added (in the order they
 * became held), and the bound of the hold: a tuple first seen at or before `expiredThrough`
 * is no longer held. Applied in this order to a stored copy, it gives the tracker's set.
 */
export interface HeldChanges {
  readonly added: readonly HeldTupleEntry[];
  readonly expiredThrough: number;
}

/**
 * What a restart must not count again, by input record (see originOf). The flows are fed
 * again so the tracker gets back the state it had, but a flow already tallied is not
 * tallied again and a connection already written is not emitted again.
 */
export interface TrackerReplay {
  /** False when the flow of this record was already tallied. */
  counts(origin: number | undefined): boolean;
  /** False when the connection begun by the flow of this record was already emitted. */
  emits(origin: number | undefined): boolean;
}

/** Counters describing what the tracker did with the flows it was given. */
export interface TrackerStats {
  flows: number;
  connections: number;
  merged: number;
  /**
   * Flows whose direction nothing settled: each is counted on its edge as a connection
   * event of kind `unknown`, never as a connection.
   */
  unknownDirection: number;
  /** Connections emitted before their merge window closed because of `maxTracked`. */
  evictedEarly: number;
  readonly skipped: Record<SkipReason, number>;
}

/** Distinct sighting signatures shared at once (nodes × event types × observation points). */
const MAX_SIGNATURES = 4096;

/** A TCP 5-tuple whose connection was emitted: when it was first seen, and where its flows are counted. */
interface HeldTuple {
  readonly firstMs: number;
  tally: TallySlot | undefined;
}

/**
 * Turns a stream of flows into connection events (see flowRole for which flows count).
 * The same connection attempt reported by several observation points or nodes — the
 * source's egress and the destination's ingress, the policy-verdict event and the trace of
 * the same packet, the L7 proxy's upstream leg — is merged into one event within
 * `mergeWindowMs`, keeping each side's verdict. Pure: time comes only from the flows.
 */
export class ConnectionTracker {
  private readonly pending = new Map<string, TrackedConnection>();
  // 5-tuples of TCP connections already emitted, with their first-seen time: later packets
  // on them only prove the counted connection again, so nothing else about them is kept.
  private readonly held = new Map<string, HeldTuple>();
  private readonly proxied = new Map<string, TrackedConnection>();
  // One string per distinct sighting signature (node, event type, observation point,
  // direction: a small set), so tracked connections share them instead of each holding copies.
  private signatures = new Map<string, string>();
  private readonly mergeWindowMs: number;
  private readonly tcpHoldMs: number;
  private readonly maxTracked: number;
  private readonly settler: FlowSettler;
  private readonly tally = new FlowTally();
  private readonly originOf: ((flow: Flow) => number | undefined) | undefined;
  private readonly replay: TrackerReplay | undefined;
  private heldLog: HeldTupleEntry[] | undefined;
  // The bound up to which held tuples were let go by flow time (the drain's is not noted).
  private heldThrough = Number.NEGATIVE_INFINITY;
  private now = Number.NEGATIVE_INFINITY;
  // Where settled flows' connection events go during one push, drain or flush.
  private out: Connection[] = [];
  private readonly onSettled = (settled: SettledFlow): void => { this.consume(settled, this.out); };
  readonly stats: TrackerStats = {
    flows: 0, connections: 0, merged: 0, unknownDirection: 0, evictedEarly: 0,
    skipped: { reply: 0, "l7-response": 0, "socket-lb": 0, "no-l4": 0, "no-endpoints": 0 },
  };

  constructor(
    private readonly identities: IdentityResolver,
    options: ConnectionTrackerOptions = {},
  ) {
    this.mergeWindowMs = options.mergeWindowMs ?? 1000;
    this.tcpHoldMs = options.tcpHoldMs ?? 60_000;
    this.maxTracked = options.maxTracked ?? 200_000;
    this.settler = new FlowSettler(options.settler);
    this.originOf = options.originOf;
    this.replay = options.replay;
    this.heldLog = options.logHeld === true ? [] : undefined;
  }

  /**
   * Takes back the held TCP 5-tuples of a previous run (its stored copy, see takeHeldChanges),
   * before any flow: later packets of connections it counted are then known for what they
   * are without reading their first packets again. Entries are taken oldest first.
   */
  restoreHeld(entries: readonly HeldTupleEntry[]): void {
    const sorted = [...entries].sort((a, b) => a[1] - b[1]);
    for (const [key, firstMs] of sorted) this.held.set(key, { firstMs, tally: undefined });
  }

  /**
   * The changes to the held TCP 5-tuples since the last call (with `logHeld`): what a stored
   * copy needs to stay equal to the tracker's set as of now. The bound follows flow time,
   * not the end-of-input drain, which forgets every tuple: a stored copy keeps the last
   * `tcpHoldMs`, so a later run over more of the same input still knows them. (Tuples let
   * go early because more than `maxTracked` are held stay in the copy until their time.)
   */
  takeHeldChanges(): HeldChanges {
    const added = this.heldLog ?? [];
    if (this.heldLog !== undefined) this.heldLog = [];
    return { added, expiredThrough: this.heldThrough };
  }

  /**
   * Visits what is still in flight: the first flow's record and time of each connection not
   * emitted yet (`pending`), and each flow still waiting for its direction (`waiting`, not
   * tallied yet). A restart must see these records again.
   */
  forEachInFlight(visit: (origin: number | undefined, atMs: number, state: "pending" | "waiting") => void): void {
    for (const tracked of this.pending.values()) visit(tracked.origin, tracked.firstMs, "pending");
    this.settler.forEachWaiting((flow, atMs) => { visit(this.originOf?.(flow), atMs, "waiting"); });
  }

  /** How the directions of the flows so far were settled. */
  get settlerStats(): Readonly<SettlerStats> {
    return this.settler.stats;
  }

  /**
   * Request-direction flows counted per pair of end variants since the last call (see
   * FlowTally); the ingest loop hands them to the graph with the connection events.
   */
  takeFlowCounts(): FlowCount[] {
    return this.tally.take();
  }

  /** Feeds one flow; connection events that became final are appended to `out`. */
  push(flow: Flow, out: Connection[]): void {
    this.stats.flows++;
    const at = toMillis(flow.time);
    if (at > this.now) {
      this.now = at;
      this.expire(at - this.mergeWindowMs, out);
    }
    this.out = out;
    this.settler.push(flow, this.onSettled);
  }

  /** Counts one flow whose direction is settled. */
  private consume(settled: SettledFlow, out: Connection[]): void {
    const flow = settled.flow;
    const role = flowRole(flow, settled.direction);
    if (role.role === "skip") {
      this.stats.skipped[role.reason]++;
      return;
    }
    const l4 = flow.l4;
    if (role.role === "request") {
      const start = this.startOf(flow, "request", l4);
      this.count(flow, start);
      this.emit(this.track(start, flow), out);
      return;
    }
    if (!l4) return;
    if (role.role === "unknown-direction") {
      // Neither a connection nor a reply for sure: counted on its edge as seen, so that a
      // review can find it, and never allowed by a recommendation on its own.
      this.stats.unknownDirection++;
      this.emit(this.track(this.startOf(flow, "unknown", l4), flow), out);
      return;
    }
    // A corrected L7 record has other endpoints but the same addresses: the tuple still holds.
    const key = settled.tuple ?? fiveTuple(flow, l4, "as-seen");
    const existing = this.pending.get(key);
    const held = existing ? undefined : this.held.get(key);
    if (held !== undefined) {
      // A retransmitted SYN or a later packet of a TCP connection that was already counted.
      this.stats.merged++;
      this.count(flow, undefined, held);
      return;
    }
    if (existing) {
      // UDP and friends count every request packet: the same observation point reporting
      // the tuple again is a new datagram, not another view of the first one.
      const repeat = l4.protocol !== "TCP" && role.role === "open" && existing.hasSighting(this.signatureOf(flow));
      if (!repeat) {
        this.count(flow, undefined, existing);
        this.merge(existing, flow);
        return;
      }
      this.pending.delete(key);
      this.emit(existing, out);
    }
    const upstream = role.role === "open" ? this.proxied.get(proxyKey(flow, l4)) : undefined;
    if (upstream && isUpstreamLeg(upstream, flow)) {
      this.count(flow, undefined);
      this.merge(upstream, flow);
      return;
    }
    const start = this.startOf(flow, role.role === "open" ? "new" : "existing", l4);
    const tracked = this.track(start, flow);
    this.count(flow, start, tracked);
    this.pending.set(key, tracked);
    if (role.role === "open") {
      const pk = proxyKey(flow, l4);
      // Re-insert so the map stays in first-seen order for expiry.
      this.proxied.delete(pk);
      this.proxied.set(pk, tracked);
    }
    if (this.pending.size > this.maxTracked) this.evictOldest(out);
  }

  /**
   * Counts a request-direction flow on the identities it resolves to itself (`start`, when
   * already resolved for it), whatever connection it was merged into: the tally stands for
   * what a per-flow evaluation sees.
   */
  private count(
    flow: Flow,
    start: { readonly source: Identity; readonly destination: Identity; readonly protocol: ConnectionProtocol; readonly port: number } | undefined,
    connection?: { tally: TallySlot | undefined },
  ): void {
    const klass = tallyClassOf(flow);
    if (klass === undefined) return;
    if (this.replay !== undefined && !this.replay.counts(this.originOf?.(flow))) return;
    // Later packets of a connection usually have its first packet's very ends: one increment.
    if (connection?.tally !== undefined && this.tally.bump(connection.tally, flow, klass)) return;
    const slot = this.tally.add(flow, start ?? this.endsOf(flow), klass);
    if (connection !== undefined) connection.tally = slot;
  }

  private endsOf(flow: Flow): { source: Identity; destination: Identity; protocol: ConnectionProtocol; port: number } {
    const ip = flow.ip;
    return {
      source: this.identities.resolve(flow.source, ip?.source ?? "", flow.sourceNames),
      destination: this.identities.resolve(flow.destination, ip?.destination ?? "", flow.destinationNames),
      ...portOf(flow.l4),
    };
  }

  /** Emits every connection first seen before `untilMs` (flow time). */
  expire(untilMs: number, out: Connection[]): void {
    for (const [key, tracked] of this.pending) {
      if (tracked.firstMs > untilMs) break;
      this.pending.delete(key);
      this.emit(tracked, out);
      if (tracked.start.protocol === "TCP") {
        this.held.set(key, { firstMs: tracked.firstMs, tally: tracked.tally });
        this.heldLog?.push([key, tracked.firstMs]);
      }
    }
    for (const [key, tracked] of this.proxied) {
      if (tracked.firstMs > untilMs) break;
      this.proxied.delete(key);
    }
    const holdUntil = untilMs + this.mergeWindowMs - this.tcpHoldMs;
    if (untilMs !== Number.POSITIVE_INFINITY && holdUntil > this.heldThrough) this.heldThrough = holdUntil;
    for (const [key, { firstMs }] of this.held) {
      if (firstMs > holdUntil && this.held.size <= this.maxTracked) break;
      this.held.delete(key);
    }
  }

  /** Emits everything still pending (end of input), settling what still waits for evidence. */
  drain(out: Connection[]): void {
    this.out = out;
    this.settler.drain(this.onSettled);
    this.expire(Number.POSITIVE_INFINITY, out);
  }

  /**
   * Emits every pending connection without forgetting recent TCP tuples: for a live stream
   * that went quiet, so its last connections do not wait for the next flow.
   */
  flushPending(out: Connection[]): void {
    this.out = out;
    this.settler.release(this.now, this.onSettled);
    if (this.pending.size > 0) this.expire(this.now, out);
  }

  /** Connections currently held in memory. */
  get size(): number {
    return this.pending.size + this.held.size;
  }

  private merge(tracked: TrackedConnection, flow: Flow): void {
    this.stats.merged++;
    tracked.add(flow, this.signatureOf(flow));
  }

  private signatureOf(flow: Flow): string {
    const signature = TrackedConnection.signature(flow);
    const known = this.signatures.get(signature);
    if (known !== undefined) return known;
    // Bounded: past this many distinct signatures, sharing simply starts over.
    if (this.signatures.size >= MAX_SIGNATURES) this.signatures = new Map();
    this.signatures.set(signature, signature);
    return signature;
  }

  private track(start: ConnectionStart, flow: Flow): TrackedConnection {
    const tracked = new TrackedConnection(start, flow, this.signatureOf(flow));
    if (this.originOf !== undefined) tracked.origin = this.originOf(flow);
    return tracked;
  }

  private emit(tracked: TrackedConnection, out: Connection[]): void {
    if (this.replay !== undefined && !this.replay.emits(tracked.origin)) return;
    this.stats.connections++;
    out.push(tracked.toConnection());
  }

  private evictOldest(out: Connection[]): void {
    const oldest = this.pending.entries().next();
    if (oldest.done) return;
    this.stats.evictedEarly++;
    this.pending.delete(oldest.value[0]);
    this.emit(oldest.value[1], out);
  }

  private startOf(flow: Flow, kind: ConnectionKind, l4: Layer4 | undefined) {
    const ip = flow.ip;
    const { protocol, port } = portOf(l4);
    return {
      kind,
      source: this.identities.resolve(flow.source, ip?.source ?? "", flow.sourceNames),
      destination: this.identities.resolve(flow.destination, ip?.destination ?? "", flow.destinationNames),
      protocol,
      port,
      l7: kind === "request" ? l7Of(flow) : undefined,
    };
  }
}

