/**
 * A capture being built: the clock, the seeded randomness, the agent profile and the
 * `GetFlowsResponse` lines so far. Every record takes the current time and moves the
 * clock on by a fraction of a millisecond to a few milliseconds.
 */
import { Clock, Random } from "./clock.js";
import type { HubbleProfile } from "./profile.js";
import { dropFlow, l7Flow, traceFlow, verdictFlow } from "./records.js";
import type { Conversation, L7Event, Packet, PacketAt, Sighting, VerdictEvent } from "./records.js";
import type { FlowJson, GetFlowsResponseJson } from "./wire.js";

/** Options of a {@link Capture}. */
export interface CaptureOptions {
  /** Time of the first record, RFC 3339 UTC. */
  readonly start: string;
  readonly seed: number;
  readonly profile: HubbleProfile;
}

/** A capture under construction; `responses()` gives the lines built so far. */
export class Capture {
  readonly profile: HubbleProfile;
  readonly random: Random;
  private readonly clock: Clock;
  private readonly lines: GetFlowsResponseJson[] = [];

  constructor(options: CaptureOptions) {
    this.profile = options.profile;
    this.random = new Random(options.seed);
    this.clock = new Clock(options.start, this.random);
  }

  /** Milliseconds since the epoch now; for L7 latencies. */
  nowMs(): number {
    return this.clock.nowMs();
  }

  /** Lets `minMs`..`maxMs` pass (think time between requests, between connections). */
  pause(minMs: number, maxMs: number): void {
    this.clock.advance(minMs * 1000, maxMs * 1000);
  }

  /** Lets exactly `ms` pass (retransmission timers). */
  wait(ms: number): void {
    this.clock.skip(ms);
  }

  /** A trace event of `packet` at `sighting`. */
  trace(conv: Conversation, packet: Packet, sighting: Sighting): void {
    this.emit(traceFlow(this.at(conv, packet), sighting));
  }

  /** A policy-verdict event for `packet`. */
  verdict(conv: Conversation, packet: Packet, event: VerdictEvent): void {
    this.emit(verdictFlow(this.at(conv, packet), event));
  }

  /** A POLICY_DENIED drop event for `packet`. */
  drop(conv: Conversation, packet: Packet, event: Pick<VerdictEvent, "node" | "direction">): void {
    this.emit(dropFlow(this.at(conv, packet), event));
  }

  /** An L7 record about `packet`'s 5-tuple (its way decides source and destination). */
  l7(conv: Conversation, packet: Packet, event: L7Event): void {
    this.emit(l7Flow(this.at(conv, packet), event));
  }

  /** The lines built so far, oldest first. */
  responses(): readonly GetFlowsResponseJson[] {
    return [...this.lines];
  }

  /** The packet stamped with the current time; the clock then moves on. */
  private at(conv: Conversation, packet: Packet): PacketAt {
    const stamp = { time: this.clock.now(), uuid: this.profile.uuid ? this.random.uuid() : undefined, profile: this.profile };
    this.clock.advance(120, 2400);
    return { stamp, conv, packet };
  }

  private emit(flow: FlowJson): void {
    // The top-level node_name and time repeat the flow's (GetFlowsResponse fields 1000, 1001).
    this.lines.push({ flow, node_name: flow.node_name, time: flow.time });
  }
}
