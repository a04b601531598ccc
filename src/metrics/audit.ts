import type { BoundedLabel } from "./bounded-label.js";
import type { Instruments } from "./instruments.js";

/** One namespace of an audit, as the metrics need it (kept free of src/audit types). */
export interface NamespaceAuditSummary {
  readonly namespace: string;
  /** Observed edges that default-deny would break. */
  readonly wouldBeDrops: number;
  /** Allow rules that no observed traffic used. */
  readonly unusedAllows: number;
  /** Share 0..1 of observed connections that would survive default-deny; undefined: nothing observed. */
  readonly readiness: number | undefined;
}

interface Row {
  wouldBeDrops: number;
  unusedAllows: number;
  readiness: number | undefined;
}

/**
 * Replaces the audit gauges with the given audit. Namespaces without their own label value
 * are folded into the overflow value: counts are summed, and readiness is the lowest among
 * them (the namespace furthest from ready decides whether `other` looks ready).
 */
export function setAuditGauges(instruments: Instruments, namespaces: BoundedLabel, audit: readonly NamespaceAuditSummary[]): void {
  const rows = new Map<string, Row>();
  for (const ns of audit) {
    const label = namespaces.label(ns.namespace, 0);
    const row = rows.get(label) ?? { wouldBeDrops: 0, unusedAllows: 0, readiness: undefined };
    row.wouldBeDrops += finiteOr0(ns.wouldBeDrops);
    row.unusedAllows += finiteOr0(ns.unusedAllows);
    if (ns.readiness !== undefined && Number.isFinite(ns.readiness)) {
      const r = Math.min(1, Math.max(0, ns.readiness));
      row.readiness = row.readiness === undefined ? r : Math.min(row.readiness, r);
    }
    rows.set(label, row);
  }
  instruments.wouldBeDrops.reset();
  instruments.unusedAllows.reset();
  instruments.readiness.reset();
  for (const [namespace, row] of rows) {
    instruments.wouldBeDrops.set({ namespace }, row.wouldBeDrops);
    instruments.unusedAllows.set({ namespace }, row.unusedAllows);
    if (row.readiness !== undefined) instruments.readiness.set({ namespace }, row.readiness);
  }
  instruments.auditNamespaces.set(audit.length);
}

function finiteOr0(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
