import type { Conversation, Packet } from "./conversation.js";
import { FLAGS } from "./conversation.js";
import type { VerdictInput } from "./flow-builder.js";
import { dropFlow, l7Flow, traceFlow, verdictFlow } from "./flow-builder.js";
import type { HttpExchange } from "./http-records.js";
import { randomExchange, requestRecord, responseRecord } from "./http-records.js";
import type { Enforcement } from "./model.js";
import type { ProxyRedirect, Sightings } from "./observe.js";
import { sightingsOf } from "./observe.js";
import type { Session, SessionEnv } from "./session-env.js";

/** One TCP connection to play out. */
export interface TcpPlan {
  readonly edgeIndex: number;
  readonly conv: Conversation;
  readonly enforcement: Enforcement;
  /** `host:port` for L7 HTTP records; undefined for connections the proxy does not parse. */
  readonly httpAuthority: string | undefined;
  /** Request/response rounds after the handshake. */
  readonly rounds: number;
}

const SYN: Packet = { way: "request", flags: FLAGS.syn, reason: "NEW" };
const SYN_ACK: Packet = { way: "reply", flags: FLAGS.synAck, reason: "REPLY" };
const ACK: Packet = { way: "request", flags: FLAGS.ack, reason: "ESTABLISHED" };
const DATA: Packet = { way: "request", flags: FLAGS.pshAck, reason: "ESTABLISHED" };
const DATA_REPLY: Packet = { way: "reply", flags: FLAGS.pshAck, reason: "REPLY" };
const FIN: Packet = { way: "request", flags: FLAGS.finAck, reason: "ESTABLISHED" };
const FIN_REPLY: Packet = { way: "reply", flags: FLAGS.finAck, reason: "REPLY" };

function* sighted(env: SessionEnv, conv: Conversation, packet: Packet, s: Sightings): Session {
  if (s.sender !== undefined) yield traceFlow(env.stamp(), conv, packet, s.sender);
  if (s.receiver !== undefined) yield traceFlow(env.stamp(), conv, packet, s.receiver);
}

/**
 * A TCP connection as Hubble reports it: policy verdicts on the SYN, the handshake with
 * the SYN-ACK flagged as a reply, data, and FIN. Denied SYNs get a DROPPED verdict and a
 * POLICY_DENIED drop event and are retransmitted a few times, as a client would.
 */
export function* tcpSession(env: SessionEnv, plan: TcpPlan): Session {
  const { conv, enforcement } = plan;
  const proxy: ProxyRedirect = plan.httpAuthority === undefined ? "none" : "ingress";
  const req = sightingsOf(conv, "request", proxy);
  const rep = sightingsOf(conv, "reply", "none");
  const clientNode = conv.client.role === "pod" ? conv.client.node : undefined;
  const serverNode = conv.server.role === "pod" || conv.server.role === "health" ? conv.server.node : undefined;
  const denied = enforcement === "deny-egress" || enforcement === "deny-ingress";
  const attempts = denied ? 1 + env.random.int(3) : 1;
  env.touch(plan.edgeIndex);
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (clientNode !== undefined && (enforcement === "deny-egress" || conv.egressPolicy !== undefined)) {
      const input: VerdictInput = enforcement === "deny-egress"
        ? { verdict: "DROPPED", direction: "EGRESS", node: clientNode, policy: undefined }
        : { verdict: "FORWARDED", direction: "EGRESS", node: clientNode, policy: conv.egressPolicy };
      yield verdictFlow(env.stamp(), conv, SYN, input);
      if (input.verdict === "DROPPED") {
        yield dropFlow(env.stamp(), conv, SYN, input);
        continue;
      }
    }
    if (req.sender !== undefined) yield traceFlow(env.stamp(), conv, SYN, req.sender);
    if (serverNode !== undefined && (denied || enforcement === "audit" || conv.ingressPolicy !== undefined)) {
      const input = ingressVerdict(enforcement, serverNode, conv, proxy);
      yield verdictFlow(env.stamp(), conv, SYN, input);
      if (input.verdict === "DROPPED") {
        yield dropFlow(env.stamp(), conv, SYN, input);
        continue;
      }
    }
    if (req.receiver !== undefined) yield traceFlow(env.stamp(), conv, SYN, req.receiver);
  }
  if (denied) return;
  yield* sighted(env, conv, SYN_ACK, rep);
  yield* sighted(env, conv, ACK, req);
  for (let round = 0; round < plan.rounds; round++) {
    yield* sighted(env, conv, DATA, req);
    if (plan.httpAuthority !== undefined && serverNode !== undefined) {
      yield* httpExchange(env, conv, randomExchange(env.random, plan.httpAuthority), serverNode);
    }
    yield* sighted(env, conv, DATA_REPLY, rep);
  }
  yield* sighted(env, conv, FIN, req);
  yield* sighted(env, conv, FIN_REPLY, rep);
  yield* sighted(env, conv, ACK, req);
}

function ingressVerdict(
  enforcement: Enforcement, node: VerdictInput["node"], conv: Conversation, proxy: ProxyRedirect,
): VerdictInput {
  switch (enforcement) {
    case "deny-ingress":
      return { verdict: "DROPPED", direction: "INGRESS", node, policy: undefined };
    case "audit":
      // Policy-audit mode reports the would-be drop as AUDIT and lets the packet through.
      return { verdict: "AUDIT", direction: "INGRESS", node, policy: undefined };
    case "allow":
    case "deny-egress":
      return { verdict: proxy === "ingress" ? "REDIRECTED" : "FORWARDED", direction: "INGRESS", node, policy: conv.ingressPolicy };
    default: {
      const never: never = enforcement;
      throw new Error(`unknown enforcement ${String(never)}`);
    }
  }
}

/** The ingress proxy's REQUEST and RESPONSE records, observed on the server's node. */
function* httpExchange(env: SessionEnv, conv: Conversation, exchange: HttpExchange, node: VerdictInput["node"]): Session {
  const started = env.nowNs();
  const request = requestRecord(exchange);
  yield l7Flow(env.stamp(), conv, SYN, { ...request, node, direction: "INGRESS" });
  const response = responseRecord(exchange, env.nowNs() - started);
  yield l7Flow(env.stamp(), conv, SYN_ACK, { ...response, node, direction: "INGRESS" });
}
