import type { Conversation, Packet } from "./conversation.js";
import type { DnsQuestion } from "./dns-records.js";
import { dnsRequestRecord, dnsResponseRecord } from "./dns-records.js";
import { l7Flow, traceFlow, verdictFlow } from "./flow-builder.js";
import { sightingsOf } from "./observe.js";
import type { Session, SessionEnv } from "./session-env.js";

/** Name lookups by one pod; each question is its own UDP exchange (new source port). */
export interface DnsPlan {
  readonly edgeIndex: number;
  /** Conversation template; the client port is replaced per question. */
  readonly conv: Conversation;
  readonly questions: readonly DnsQuestion[];
}

const QUERY: Packet = { way: "request", flags: undefined, reason: "NEW" };
const ANSWER: Packet = { way: "reply", flags: undefined, reason: "REPLY" };

/**
 * DNS through Cilium's DNS proxy, as with a cluster-wide policy that has DNS rules: the
 * query is REDIRECTED on egress, traced TO_PROXY, recorded as an L7 REQUEST, forwarded to
 * CoreDNS (delivered TO_ENDPOINT on its node), answered, recorded as an L7 RESPONSE with
 * its latency, and delivered back to the pod as a reply.
 */
export function* dnsSession(env: SessionEnv, plan: DnsPlan): Session {
  env.touch(plan.edgeIndex);
  const clientNode = plan.conv.client.node;
  if (clientNode === undefined) return;
  for (const question of plan.questions) {
    const conv: Conversation = { ...plan.conv, clientPort: env.random.between(32_768, 60_999) };
    const toProxy = sightingsOf(conv, "request", "egress");
    const forwarded = sightingsOf(conv, "request", "none");
    const answer = sightingsOf(conv, "reply", "none");
    yield verdictFlow(env.stamp(), conv, QUERY, {
      verdict: "REDIRECTED", direction: "EGRESS", node: clientNode, policy: conv.egressPolicy,
    });
    if (toProxy.sender !== undefined) yield traceFlow(env.stamp(), conv, QUERY, toProxy.sender);
    const started = env.nowNs();
    yield l7Flow(env.stamp(), conv, QUERY, { ...dnsRequestRecord(question), node: clientNode, direction: "EGRESS" });
    if (forwarded.receiver !== undefined) yield traceFlow(env.stamp(), conv, QUERY, forwarded.receiver);
    if (answer.sender !== undefined) yield traceFlow(env.stamp(), conv, ANSWER, answer.sender);
    const response = dnsResponseRecord(question, env.nowNs() - started);
    yield l7Flow(env.stamp(), conv, ANSWER, { ...response, node: clientNode, direction: "EGRESS" });
    if (answer.receiver !== undefined) yield traceFlow(env.stamp(), conv, ANSWER, answer.receiver);
  }
}
