import type { AuditReport } from "./audit.js";
import { examplesOf } from "./examples.js";
import type { SampleLookup } from "./examples.js";
import type { Finding } from "./finding.js";
import { edgeText } from "./traffic.js";

/** An edge the report would like examples for. */
export interface EdgeRef {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port: number;
}

/** The edges of would-be drops, deduplicated and sorted: fetch their samples, then {@link withExamples}. */
export function edgesWantingExamples(report: AuditReport): readonly EdgeRef[] {
  const edges = new Map<string, EdgeRef>();
  for (const f of report.findings) {
    if (f.kind !== "would-be-drop") continue;
    for (const e of f.evidence.edges) {
      edges.set(edgeText(e), { source: e.source, destination: e.destination, protocol: e.protocol, port: e.port });
    }
  }
  return [...edges.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e);
}

/** The report with stored samples turned into examples on each would-be-drop edge (keyed by `edgeText`). */
export function withExamples(report: AuditReport, samples: SampleLookup): AuditReport {
  const findings = report.findings.map((f): Finding => {
    if (f.kind !== "would-be-drop") return f;
    const edges = f.evidence.edges.map((e) => ({ ...e, examples: examplesOf(samples.get(edgeText(e)) ?? []) }));
    return { ...f, evidence: { ...f.evidence, edges } };
  });
  return { ...report, findings };
}
