import type { Direction } from "../policy/index.js";
import type { EdgeDrops } from "./drops.js";
import type { OverBroadAllow } from "./over-broad.js";
import type { RuleLocation } from "./rule-text.js";
import type { WouldBeDrop } from "./would-be-drops.js";

/** How urgent a finding is: `high` breaks traffic once default-deny is enforced. */
export type Severity = "high" | "medium" | "low";

/** An allow rule, or one peer or port of a used rule, that matched no observed connection in the window. */
export interface UnusedAllow {
  readonly scope: "rule" | "peer" | "port";
  /** The rule, or the peer or port inside it. */
  readonly location: RuleLocation;
  /** Path of the enclosing rule. */
  readonly rule: string;
  /** The peer or port as text (`selector k8s:app=web`, `TCP/8080`); "" for whole rules. */
  readonly piece: string;
  /** Last match over the retained history; `undefined`: never matched while traffic was kept. */
  readonly lastMatchedMs: number | undefined;
  /** For peers and ports: connections that used the rest of the rule in the window; 0 for rules. */
  readonly ruleConnections: number;
}

/** A policy that isolates no existing endpoint in a direction: its rules cannot be used. */
export interface UnselectedPolicy {
  readonly policy: string;
  readonly direction: Direction;
  /** The subject selector as text. */
  readonly selector: string;
  readonly rules: number;
}

interface Base {
  /** Stable across runs over the same data: kind plus what the finding is about. */
  readonly id: string;
  readonly severity: Severity;
  /** The namespace the finding belongs to; "" for cluster-wide ones. */
  readonly namespace: string;
  /** One line for people. */
  readonly summary: string;
}

/** One audit finding with its evidence. */
export type Finding =
  | (Base & { readonly kind: "would-be-drop"; readonly evidence: WouldBeDrop })
  | (Base & { readonly kind: "policy-drop"; readonly evidence: EdgeDrops })
  | (Base & { readonly kind: "infrastructure-drop"; readonly evidence: EdgeDrops })
  | (Base & { readonly kind: "unused-allow"; readonly evidence: UnusedAllow })
  | (Base & { readonly kind: "unselected-policy"; readonly evidence: UnselectedPolicy })
  | (Base & { readonly kind: "over-broad-allow"; readonly evidence: OverBroadAllow });

/** Finding kinds in report order. */
export const FINDING_KINDS: readonly Finding["kind"][] = [
  "would-be-drop", "policy-drop", "over-broad-allow", "unused-allow", "unselected-policy", "infrastructure-drop",
];

/** Deterministic report order: kind, namespace, id. */
export function compareFindings(a: Finding, b: Finding): number {
  return FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) || a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id);
}
