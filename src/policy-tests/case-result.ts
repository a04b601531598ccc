import type { SemanticsName } from "../policy/index.js";
import type { MatrixCase } from "./matrix.js";

/**
 * What observed traffic says about a case, with a graph:
 * - `observed-forwarded`: expected deny, but traffic got through in the window: enforcing the
 *   policies would break something that runs today. Fails the case.
 * - `stale`: expected allow, never observed in the window: the case (or the traffic) may be
 *   gone. A warning; it does not fail the run, since quiet traffic (a nightly job, a failover
 *   path) is not wrong.
 * - `observed`: expected allow and seen; `not-observed`: expected deny and not seen.
 */
export interface CaseHistory {
  readonly kind: "observed-forwarded" | "stale" | "observed" | "not-observed";
  /** Connections (and requests, and sightings of older connections) that got through in the window. */
  readonly passed: number;
}

/** The result of one case. */
export interface CaseResult {
  readonly case: MatrixCase;
  /** What the policies say; `mixed` when probes of the case (ports of a range, ends of a CIDR) disagree. */
  readonly verdict: "allowed" | "denied" | "mixed";
  /** Whether the policies give what the case expects. */
  readonly policy: "pass" | "fail";
  /** The deciding rule of the probe shown (the first that disagrees when the case fails). */
  readonly rule: string;
  /** The probe shown, e.g. `shop/web -> 10.0.0.0 443/TCP`. */
  readonly probe: string;
  /** explain's full text for that probe. */
  readonly explanation: string;
  /** `undefined` without a graph. */
  readonly history?: CaseHistory;
  /** fail: the policy disagrees, or traffic expected denied was observed; warn: stale. */
  readonly status: "pass" | "fail" | "warn";
}

/** The results of a run over one or more matrices. */
export interface MatrixReport {
  readonly semantics: SemanticsName;
  readonly results: readonly CaseResult[];
  /** The window the history checks cover; `undefined` without a graph. */
  readonly window?: { readonly sinceMs: number; readonly untilMs: number; readonly note?: string };
  readonly summary: { readonly cases: number; readonly passed: number; readonly failed: number; readonly warnings: number };
}

/** Whether a report fails the run (exit code 1). */
export function hasFailures(report: MatrixReport): boolean {
  return report.summary.failed > 0;
}
