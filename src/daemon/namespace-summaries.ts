import type { AuditReport } from "../audit/index.js";
import type { NamespaceAuditSummary } from "../metrics/index.js";

/** Per-namespace audit numbers the metrics keep as gauges. */
export function namespaceSummaries(report: AuditReport): NamespaceAuditSummary[] {
  const wouldBeDrops = new Map<string, number>();
  for (const f of report.findings) {
    if (f.kind === "would-be-drop") wouldBeDrops.set(f.namespace, (wouldBeDrops.get(f.namespace) ?? 0) + f.evidence.edges.length);
  }
  return report.readiness.map((r) => ({
    namespace: r.namespace,
    wouldBeDrops: wouldBeDrops.get(r.namespace) ?? 0,
    unusedAllows: r.findings["unused-allow"] ?? 0,
    readiness: r.survivingShare,
  }));
}
