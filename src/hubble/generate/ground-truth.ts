import type { GetFlowsResponseJson } from "./jsonpb.js";
import type { EdgeSpec, Enforcement } from "./model.js";
import { peerText } from "./model.js";

/** An intended edge in comparable form. */
export interface TruthEdge {
  /** `source -> destination PROTO/port`, e.g. `shop/web -> shop/api TCP/8080`. */
  readonly key: string;
  /** `namespace/workload`, `reserved:world(fqdn)`, `reserved:host`, ... */
  readonly source: string;
  readonly destination: string;
  readonly protocol: "TCP" | "UDP";
  readonly port: number;
  readonly enforcement: Enforcement;
}

/** What a run produced, for tests and audits to check against. */
export interface GroundTruth {
  /** GetFlowsResponse lines written, flows plus lost-event notices. */
  readonly lines: number;
  readonly flows: number;
  readonly lostEventNotices: number;
  /** Sum of `num_events_lost` over all notices. */
  readonly eventsLost: number;
  readonly byVerdict: Readonly<Record<string, number>>;
  /** Keyed by `Type` (L3_L4, L7). */
  readonly byType: Readonly<Record<string, number>>;
  /** Keyed by `event_type.type` as a decimal string ("1", "4", "5", "129"). */
  readonly byEventType: Readonly<Record<string, number>>;
  /** Flows carrying `is_reply: true`, `false`, or no `is_reply` at all. */
  readonly isReply: { readonly true: number; readonly false: number; readonly absent: number };
  /** Every edge the app intends, whether or not this run reached it. */
  readonly intendedEdges: readonly TruthEdge[];
  /**
   * Edges at least one session started on, with the number of sessions: TCP connections
   * (a denied one counts once, however often its SYN is retransmitted) or, for DNS edges,
   * lookups (one to three questions each).
   */
  readonly exercisedEdges: readonly { readonly edge: TruthEdge; readonly connections: number }[];
  /** Time of the first and last line; undefined for an empty run. */
  readonly firstTime: string | undefined;
  readonly lastTime: string | undefined;
}

/** The comparable form of an edge spec. */
export function truthEdge(edge: EdgeSpec): TruthEdge {
  const source = peerText(edge.source);
  const destination = peerText(edge.destination);
  return {
    key: `${source} -> ${destination} ${edge.protocol}/${edge.port}`,
    source, destination, protocol: edge.protocol, port: edge.port, enforcement: edge.enforcement,
  };
}

/** Accumulates the ground truth while lines are produced. */
export class TruthRecorder {
  private lines = 0;
  private flows = 0;
  private lostNotices = 0;
  private eventsLost = 0;
  private readonly byVerdict: Record<string, number> = {};
  private readonly byType: Record<string, number> = {};
  private readonly byEventType: Record<string, number> = {};
  private readonly isReply = { true: 0, false: 0, absent: 0 };
  private readonly connections: number[];
  private firstTime: string | undefined;
  private lastTime: string | undefined;

  constructor(private readonly edges: readonly EdgeSpec[]) {
    this.connections = edges.map(() => 0);
  }

  /** Counts a connection started on edge `index`. */
  touch(index: number): void {
    this.connections[index] = (this.connections[index] ?? 0) + 1;
  }

  /** Counts one emitted line. */
  record(line: GetFlowsResponseJson): void {
    this.lines++;
    this.firstTime ??= line.time;
    this.lastTime = line.time;
    if ("lost_events" in line) {
      this.lostNotices++;
      this.eventsLost += Number(line.lost_events.num_events_lost);
      return;
    }
    const f = line.flow;
    this.flows++;
    this.byVerdict[f.verdict] = (this.byVerdict[f.verdict] ?? 0) + 1;
    this.byType[f.Type] = (this.byType[f.Type] ?? 0) + 1;
    const et = String(f.event_type.type);
    this.byEventType[et] = (this.byEventType[et] ?? 0) + 1;
    if (f.is_reply === undefined) this.isReply.absent++;
    else if (f.is_reply) this.isReply.true++;
    else this.isReply.false++;
  }

  /** A snapshot of everything recorded so far. */
  summary(): GroundTruth {
    const intendedEdges = this.edges.map(truthEdge);
    const exercisedEdges = intendedEdges
      .map((edge, i) => ({ edge, connections: this.connections[i] ?? 0 }))
      .filter((e) => e.connections > 0);
    return {
      lines: this.lines, flows: this.flows, lostEventNotices: this.lostNotices, eventsLost: this.eventsLost,
      byVerdict: { ...this.byVerdict }, byType: { ...this.byType }, byEventType: { ...this.byEventType },
      isReply: { ...this.isReply }, intendedEdges, exercisedEdges,
      firstTime: this.firstTime, lastTime: this.lastTime,
    };
  }
}
