import type { RuleRef } from "../compile/model.js";
import type { Direction, PolicyId } from "../spec/policy-id.js";
import type { SemanticsName } from "./semantics.js";

/** Per direction: allowed, denied, or not isolated (no policy restricts this direction). */
export type DirectionVerdict = "allowed" | "denied" | "not-isolated";

/** The verdict of one direction and its reasons. */
export interface DirectionEvaluation {
  readonly verdict: DirectionVerdict;
  /** Deny rules that matched (denied), else allow rules that matched. */
  readonly rules: readonly RuleRef[];
  /** Policies that put the subject in default deny for this direction. */
  readonly isolatedBy: readonly PolicyId[];
  /** Set when an implicit allow of the semantics profile decided; `undefined` otherwise. */
  readonly implicit?: "local-host" | "self";
  /** True when allowed at L4 but L7 rules filter requests (the flow carried no L7 data). */
  readonly l7Restricted?: true;
  /** Why policy does not apply to the subject here; `undefined` when it does. */
  readonly notEnforced?: "not-a-cilium-endpoint" | "host-endpoint";
}

/** An unsupported construct that could have changed this result. */
export interface UnsupportedTouch {
  readonly construct: string;
  readonly policy: PolicyId;
  readonly direction: Direction;
  readonly path: string;
  /** What the model did instead, e.g. "treated as not matching". */
  readonly detail: string;
}

/** The full evaluation of one connection. */
export interface Evaluation {
  /** Allowed only if the source's egress and the destination's ingress both allow it. */
  readonly verdict: "allowed" | "denied";
  readonly egress: DirectionEvaluation;
  readonly ingress: DirectionEvaluation;
  /** Empty when the verdict used only modelled constructs. */
  readonly unsupported: readonly UnsupportedTouch[];
  readonly semantics: SemanticsName;
}
