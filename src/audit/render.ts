import { displayText } from "../flows/index.js";
import type { AuditReport } from "./audit.js";

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "";
}

/**
 * A JSON-ready copy of a value with every `<name>Ms` time turned into `<name>` as RFC 3339
 * text (`lastSeenMs` → `lastSeen`), so scripts read times without knowing the epoch unit.
 */
export function jsonTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonTimes);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith("Ms") && typeof v === "number") out[key.slice(0, -2)] = iso(v);
    else out[key] = jsonTimes(v);
  }
  return out;
}

/** The report as a JSON document (times as RFC 3339; absent values omitted). */
export function auditToJson(report: AuditReport): string {
  return `${JSON.stringify(jsonTimes(report), null, 2)}\n`;
}

function table(cells: readonly (readonly string[])[]): string[] {
  const rows = cells.map((row) => row.map(displayText));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd());
}

function percent(share: number | undefined): string {
  return share === undefined ? "-" : `${Math.floor(share * 1000) / 10}%`;
}

function ratioText(r: number | undefined): string {
  return r === undefined ? "-" : r.toFixed(1);
}

/** The report for people: summary, readiness per namespace, over-permission, then findings by severity order. */
export function auditToTable(report: AuditReport): string {
  const s = report.summary;
  const lines = [
    `window ${iso(report.window.sinceMs)} to ${iso(report.window.untilMs)}, semantics ${report.semantics}${report.namespace === undefined ? "" : `, namespace ${report.namespace}`}`,
    ...(report.window.note === undefined ? [] : [`window ${report.window.note}`]),
    `${report.policies} policies with ${report.allowRules} allow rules; ${s.edges} edges, ${s.connections} connections observed`,
    `would be dropped under default-deny: ${s.wouldBeDropped} connections; dropped by policy: ${s.policyDropped}; dropped by infrastructure: ${s.infrastructureDropped}`,
    ...(s.unknownDirection > 0 ? [`records of unknown direction (request or reply?), not counted as connections: ${s.unknownDirection}`] : []),
    "",
  ];
  if (report.readiness.length > 0) {
    lines.push(...table([
      ["NAMESPACE", "WORKLOADS", "ISOLATED IN/OUT", "CONNECTIONS", "SURVIVE DEFAULT-DENY", "POLICY DROPS", "FINDINGS"],
      ...report.readiness.map((r) => [
        r.namespace, String(r.workloads), `${r.isolatedIngress}/${r.isolatedEgress}`, String(r.connections), percent(r.survivingShare),
        String(r.policyDropped), String(Object.values(r.findings).reduce((n, c) => n + c, 0)),
      ]),
    ]), "");
  }
  const o = report.overPermission;
  lines.push(
    o.skipped === undefined
      ? `over-permission: ${o.allowed} workload/workload/port triples allowed, ${o.used} used: ratio ${ratioText(o.ratio)} (explicit allows only: ${ratioText(o.explicitRatio)}); ${o.usedButDenied} used but denied`
      : `over-permission: not computed (${o.candidates} candidate triples exceed the bound)`,
    `  peers outside workloads: ${o.peers.allowed} allowed, ${o.peers.used} used: ratio ${ratioText(o.peers.ratio)}; open to any internet address: ${o.peers.openToWorld} (workload, port) pairs; open from it: ${o.peers.openFromWorld}`,
    "",
  );
  if (report.findings.length === 0) lines.push("no findings");
  else lines.push(...table([["SEVERITY", "KIND", "NAMESPACE", "SUMMARY"], ...report.findings.map((f) => [f.severity, f.kind, f.namespace || "-", f.summary])]));
  return `${lines.join("\n")}\n`;
}
