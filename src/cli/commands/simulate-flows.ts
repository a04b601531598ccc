import type { Flow, SettledFlow } from "../../flows/index.js";
import { connectionFromFlow } from "../../policy/index.js";
import type { Evaluation, PolicyEvaluator } from "../../policy/index.js";
import { settleInInputOrder } from "./settled-flows.js";

/** One flow of a simulation: its input position, how it was settled, and the verdict. */
export interface SimulatedFlow {
  readonly index: number;
  readonly settled: SettledFlow;
  /** Whether it was judged as a reply (with its connection). */
  readonly reply: boolean;
  /** Undefined for a flow without endpoints or addresses (skipped). */
  readonly evaluation: Evaluation | undefined;
}

/** The flow as settled, with `isReply` saying what the settlement found (unknown stays absent). */
function asSettled(settled: SettledFlow): Flow {
  const { flow, direction } = settled;
  if (direction === "unknown" || flow.isReply === (direction === "reply")) return flow;
  return { ...flow, isReply: direction === "reply" };
}

/**
 * Evaluates every flow of a file in input order, the way `simulate` prints them. Directions
 * and identities are settled the way ingestion settles them (see settleInInputOrder), so a
 * flow is judged as the graph counted it: a record without is_reply that another record
 * shows to be a reply is judged with its connection, an L7 record that labelled a proxied
 * peer world is judged on the identity the datapath saw, one left unknown is judged as sent.
 */
export async function* simulateFlows(flows: AsyncIterable<Flow>, evaluator: PolicyEvaluator): AsyncGenerator<SimulatedFlow> {
  for await (const { index, settled } of settleInInputOrder(flows)) {
    const c = connectionFromFlow(asSettled(settled));
    if (c.kind === "skipped") yield { index, settled, reply: false, evaluation: undefined };
    else yield { index, settled, reply: c.reply, evaluation: evaluator.evaluate(c.input) };
  }
}
