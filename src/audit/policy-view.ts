import type { Identity } from "../flows/index.js";
import type { PolicyEndpoint, PolicyEvaluator, PolicyModel, SemanticsName } from "../policy/index.js";
import { createPolicyEvaluator } from "../policy/index.js";
import { endpointOf, podLookup } from "./endpoints.js";

/**
 * A compiled policy model with its evaluator, as the audit reads it. Build one per model
 * and reuse it: the evaluator and the endpoint cache remember what they have seen.
 */
export interface PolicyView {
  readonly model: PolicyModel;
  readonly evaluator: PolicyEvaluator;
  /** The endpoint policy sees for an identity (cached by identity key). */
  endpoint(identity: Identity): PolicyEndpoint;
}

/** Options of {@link createPolicyView}. */
export interface PolicyViewOptions {
  /** `undefined` selects `cilium`. */
  readonly semantics?: SemanticsName;
}

/** Wraps a compiled model for auditing under a semantics profile. */
export function createPolicyView(model: PolicyModel, options: PolicyViewOptions = {}): PolicyView {
  const evaluator = createPolicyEvaluator(model, options.semantics === undefined ? {} : { semantics: options.semantics });
  const pods = podLookup(model);
  const cache = new Map<string, PolicyEndpoint>();
  return {
    model,
    evaluator,
    endpoint(identity: Identity): PolicyEndpoint {
      let ep = cache.get(identity.key);
      if (ep === undefined) {
        ep = endpointOf(identity, pods);
        cache.set(identity.key, ep);
      }
      return ep;
    },
  };
}
