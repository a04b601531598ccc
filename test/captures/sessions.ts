/**
 * Whole conversations along a path: TCP (SYN, SYN-ACK flagged as a reply, ACK, data,
 * FIN), UDP request/reply exchanges and ICMP echoes, with policy-verdict events on the
 * first packet, where Cilium emits them: the client's egress verdict on the client's node
 * before the packet leaves, the server's ingress verdict on the server's node before
 * delivery. A denied first packet gets its DROPPED verdict and a POLICY_DENIED drop event.
 */
import type { Capture } from "./capture.js";
import type { Conversation, Packet } from "./records.js";
import { defaultPath } from "./sightings.js";
import type { Path } from "./sightings.js";
import type { PolicyJson, VerdictName } from "./wire.js";

/** A conversation and where its packets are seen. */
export interface Leg {
  readonly conv: Conversation;
  readonly path: Path;
}

/** A leg along the default path unless one is given. */
export function leg(conv: Conversation, path: Path = defaultPath(conv)): Leg {
  return { conv, path };
}

/** One policy decision. `matchType` defaults to 2 (L3-L4) for allowed verdicts and 0 otherwise. */
export interface VerdictSpec {
  readonly verdict: VerdictName;
  readonly matchType?: number;
  readonly policy?: PolicyJson;
}

/** Verdicts for the first packet; undefined: that side enforces no policy (no event). */
export interface Verdicts {
  readonly egress?: VerdictSpec;
  readonly ingress?: VerdictSpec;
}

/** TCP packets of a connection and their conntrack states (client side "request"). */
export const SYN: Packet = { way: "request", flags: { SYN: true }, reason: "NEW" };
export const SYN_ACK: Packet = { way: "reply", flags: { SYN: true, ACK: true }, reason: "REPLY" };
export const ACK: Packet = { way: "request", flags: { ACK: true }, reason: "ESTABLISHED" };
export const PSH: Packet = { way: "request", flags: { PSH: true, ACK: true }, reason: "ESTABLISHED" };
export const PSH_REPLY: Packet = { way: "reply", flags: { PSH: true, ACK: true }, reason: "REPLY" };
export const FIN: Packet = { way: "request", flags: { FIN: true, ACK: true }, reason: "ESTABLISHED" };
export const FIN_REPLY: Packet = { way: "reply", flags: { FIN: true, ACK: true }, reason: "REPLY" };
/** UDP datagrams: the first creates the conntrack entry. */
export const UDP_FIRST: Packet = { way: "request", reason: "NEW" };
export const UDP_NEXT: Packet = { way: "request", reason: "ESTABLISHED" };
export const UDP_REPLY: Packet = { way: "reply", reason: "REPLY" };

function matchTypeOf(spec: VerdictSpec): number {
  if (spec.matchType !== undefined) return spec.matchType;
  return spec.verdict === "DROPPED" || spec.verdict === "AUDIT" ? 0 : 2;
}

/** A policy decision to emit: whose side decides, and what. */
interface Decision {
  readonly side: "client" | "server";
  readonly spec: VerdictSpec;
}

function decide(cap: Capture, sent: { readonly l: Leg; readonly packet: Packet }, { side, spec }: Decision): boolean {
  const { l, packet } = sent;
  const peer = side === "client" ? l.conv.client : l.conv.server;
  const node = peer.endpointNode;
  if (node === undefined) throw new Error(`policy verdict for ${peer.ip}, which is not a Cilium endpoint`);
  const direction = side === "client" ? "EGRESS" : "INGRESS";
  cap.verdict(l.conv, packet, { node, direction, verdict: spec.verdict, matchType: matchTypeOf(spec), policy: spec.policy });
  if (spec.verdict !== "DROPPED") return true;
  cap.drop(l.conv, packet, { node, direction });
  return false;
}

/** Sends one packet along its path; false when a policy verdict dropped it. */
export function send(cap: Capture, l: Leg, packet: Packet, verdicts: Verdicts = {}): boolean {
  const sent = { l, packet };
  if (verdicts.egress !== undefined && !decide(cap, sent, { side: "client", spec: verdicts.egress })) return false;
  let ingress = verdicts.ingress;
  for (const sighting of packet.way === "request" ? l.path.request : l.path.reply) {
    if (ingress !== undefined && sighting.side === "server") {
      if (!decide(cap, sent, { side: "server", spec: ingress })) return false;
      ingress = undefined;
    }
    cap.trace(l.conv, packet, sighting);
  }
  return ingress === undefined || decide(cap, sent, { side: "server", spec: ingress });
}

/** Options of {@link tcpOpen}. */
export interface OpenOptions {
  readonly verdicts?: Verdicts;
  /** SYN retransmissions after a drop (1 s, then 2 s, as Linux does). Default 2. */
  readonly retries?: number;
}

/** The handshake; false when every SYN was dropped. */
export function tcpOpen(cap: Capture, l: Leg, options: OpenOptions = {}): boolean {
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    if (send(cap, l, SYN, options.verdicts)) break;
    if (attempt >= retries) return false;
    cap.wait(1000 * 2 ** attempt);
  }
  send(cap, l, SYN_ACK);
  send(cap, l, ACK);
  return true;
}

/** One request and its response; `between` runs while the server works (L7 records). */
export function tcpRound(cap: Capture, l: Leg, between?: () => void): void {
  send(cap, l, PSH);
  between?.();
  send(cap, l, PSH_REPLY);
  send(cap, l, ACK);
}

/** The client closes: FIN, the server's FIN, the last ACK. */
export function tcpClose(cap: Capture, l: Leg): void {
  send(cap, l, FIN);
  send(cap, l, FIN_REPLY);
  send(cap, l, ACK);
}

/** Options of {@link tcpSession}. */
export interface TcpOptions extends OpenOptions {
  /** Request/response rounds. Default 1. */
  readonly rounds?: number;
  /** Close with FIN (default) or leave the connection open (long-lived watches). */
  readonly close?: boolean;
}

/** A whole TCP connection; false when it was denied. */
export function tcpSession(cap: Capture, l: Leg, options: TcpOptions = {}): boolean {
  if (!tcpOpen(cap, l, options)) return false;
  for (let round = 0; round < (options.rounds ?? 1); round++) tcpRound(cap, l);
  if (options.close ?? true) tcpClose(cap, l);
  return true;
}

/** Options of {@link udpExchange}. */
export interface UdpOptions {
  readonly verdicts?: Verdicts;
  /** Request datagrams, each answered unless `replies` says otherwise. Default 1. */
  readonly requests?: number;
  /** Replies; default one per request. */
  readonly replies?: number;
}

/** UDP datagrams on one 5-tuple: the first creates the conntrack entry (and gets the verdicts). */
export function udpExchange(cap: Capture, l: Leg, options: UdpOptions = {}): boolean {
  const requests = options.requests ?? 1;
  const replies = options.replies ?? requests;
  for (let i = 0; i < Math.max(requests, replies); i++) {
    if (i < requests && !send(cap, l, i === 0 ? UDP_FIRST : UDP_NEXT, i === 0 ? options.verdicts : {})) return false;
    if (i < replies) send(cap, l, UDP_REPLY);
  }
  return true;
}

/** Options of {@link icmpEcho}. */
export interface EchoOptions {
  readonly count: number;
  /** Verdicts for the first echo request (ICMP echoes share one conntrack entry). */
  readonly verdicts?: Verdicts;
}

/** Echo requests, each answered (ICMPv4 type 8/0, ICMPv6 128/129), about 200 ms apart. */
export function icmpEcho(cap: Capture, l: Leg, options: EchoOptions): void {
  const v6 = l.conv.protocol === "ICMPv6";
  for (let i = 0; i < options.count; i++) {
    const request: Packet = { way: "request", icmp: { type: v6 ? 128 : 8 }, reason: i === 0 ? "NEW" : "ESTABLISHED" };
    if (!send(cap, l, request, i === 0 ? options.verdicts : {})) return;
    // An ICMPv4 echo reply is type 0 code 0: protojson prints `"ICMPv4":{}`.
    send(cap, l, { way: "reply", icmp: v6 ? { type: 129 } : {}, reason: "REPLY" });
    cap.pause(180, 220);
  }
}
