import type { Flow, Timestamp } from "./flow.js";
import { toMillis } from "./flow.js";
import type { Connection, ConnectionKind, ConnectionL7, ConnectionProtocol, SideVerdict } from "./connection.js";
import type { TallySlot } from "./flow-tally.js";
import type { Identity } from "./identity.js";
import { overallVerdict, sideOf, strongerVerdict } from "./side-verdict.js";

/** The parts of a connection fixed when it is first seen. */
export interface ConnectionStart {
  readonly kind: ConnectionKind;
  readonly source: Identity;
  readonly destination: Identity;
  readonly protocol: ConnectionProtocol;
  readonly port: number;
  readonly l7: ConnectionL7 | undefined;
}

/**
 * A connection being assembled from the Hubble events that report it (several observation
 * points, several nodes, policy-verdict and trace events of the same packet).
 */
export class TrackedConnection {
  readonly firstMs: number;
  private readonly firstTime: Timestamp;
  private lastTime: Timestamp;
  private egress: SideVerdict | undefined;
  private ingress: SideVerdict | undefined;
  private unknownSide: SideVerdict | undefined;
  private readonly nodes: string[];
  private readonly sightings: string[];
  private events = 0;
  /** True once any event showed the packet being handed to Cilium's L7 proxy. */
  redirected = false;
  /** The input record of the flow that began this connection (see ConnectionTrackerOptions.originOf). */
  origin: number | undefined;
  /** Where the flow tally last counted a flow of this connection (see FlowTally.bump). */
  tally: TallySlot | undefined;
  readonly sourceIp: string;
  readonly destinationIp: string;

  /** `signature` is {@link TrackedConnection.signature} of `flow` (the caller may share equal ones). */
  constructor(
    readonly start: ConnectionStart,
    flow: Flow,
    signature: string,
  ) {
    this.firstTime = flow.time;
    this.lastTime = flow.time;
    this.firstMs = toMillis(flow.time);
    this.sourceIp = flow.ip?.source ?? "";
    this.destinationIp = flow.ip?.destination ?? "";
    // Created holding their first element, these arrays get room for just that; an empty
    // array would get room for 16 on its first push, for every connection in flight.
    this.sightings = [signature];
    this.nodes = flow.nodeName !== "" ? [flow.nodeName] : [];
    this.add(flow, signature);
  }

  /** Where and how a flow was observed: the same signature twice is a second packet. */
  static signature(flow: Flow): string {
    // join: one flat string, kept in `sightings` for the connection's life.
    return [flow.nodeName, flow.eventType.type, flow.traceObservationPoint, flow.trafficDirection].join("|");
  }

  /** True when an event with this signature was already merged. */
  hasSighting(signature: string): boolean {
    return this.sightings.includes(signature);
  }

  /** Merges one more event reporting this connection; `signature` as for the constructor. */
  add(flow: Flow, signature: string): void {
    this.events++;
    if (toMillis(flow.time) > toMillis(this.lastTime)) this.lastTime = flow.time;
    if (this.sightings.length < 16 && !this.sightings.includes(signature)) this.sightings.push(signature);
    if (flow.nodeName !== "" && !this.nodes.includes(flow.nodeName)) this.nodes.push(flow.nodeName);
    if (flow.traceObservationPoint === "TO_PROXY" || flow.verdict === "REDIRECTED") this.redirected = true;
    const side = sideOf(flow);
    if (side === "egress") this.egress = strongerVerdict(this.egress, flow, side);
    else if (side === "ingress") this.ingress = strongerVerdict(this.ingress, flow, side);
    else this.unknownSide = strongerVerdict(this.unknownSide, flow, side);
  }

  /** Refreshes last-seen only (a packet that proves the connection, e.g. a retransmission). */
  touch(flow: Flow): void {
    this.events++;
    if (toMillis(flow.time) > toMillis(this.lastTime)) this.lastTime = flow.time;
  }

  /** The finished connection event. */
  toConnection(): Connection {
    const { verdict, dropReason } = overallVerdict(this.egress, this.ingress, this.unknownSide);
    const start = this.start;
    return {
      kind: start.kind,
      source: start.source,
      destination: start.destination,
      protocol: start.protocol,
      port: start.port,
      l7: start.l7,
      time: this.firstTime,
      lastTime: this.lastTime,
      verdict,
      dropReason,
      egress: this.egress,
      ingress: this.ingress,
      sourceIp: this.sourceIp,
      destinationIp: this.destinationIp,
      nodes: this.nodes,
      events: this.events,
    };
  }
}
