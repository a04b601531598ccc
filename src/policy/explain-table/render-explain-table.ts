import type { ExplainRow, ExplainTable, ExplainTarget } from "./explain-table.js";

const HEADER = ["TYPE", "TARGET", "SOURCE RULES", "PEER", "PORT/PROTOCOL"] as const;

/** `default: k8s:role=db`, `cluster-wide: any:app=web`. */
export function targetText(target: Pick<ExplainTarget, "namespace" | "selector">): string {
  return `${target.namespace ?? "cluster-wide"}: ${target.selector}`;
}

/**
 * The table form: one block per target, a row per rule with one line per peer and per
 * port (alternatives are ORed), then the target's isolation. `clean` makes cluster-supplied
 * text safe for a terminal line.
 */
export function explainTableToText(table: ExplainTable, clean: (text: string) => string = (t) => t): string {
  const blocks = table.targets.map((t) => blockText(t, clean));
  if (table.targets.length === 0) blocks.push("no policy selects any endpoint\n");
  if (table.hostPolicies.length > 0) blocks.push(`host policies (nodeSelector), not explained: ${table.hostPolicies.map(clean).join(", ")}\n`);
  return blocks.join("\n");
}

function blockText(target: ExplainTarget, clean: (text: string) => string): string {
  const lines: string[][] = [];
  target.rows.forEach((row, i) => lines.push(...rowLines(row, i === 0 ? clean(targetText(target)) : "", clean)));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  const out = [format(HEADER), ...lines.map(format)];
  for (const direction of ["ingress", "egress"] as const) {
    const by = target.isolatedBy[direction];
    const off = target.withoutDefaultDeny[direction];
    const isolation = by.length > 0 ? `isolated (default deny) by ${by.map(clean).join(", ")}` : "not isolated (allowed unless a deny rule matches)";
    out.push(`${direction}: ${isolation}${off.length > 0 ? `; default deny left off by ${off.map(clean).join(", ")}` : ""}`);
  }
  for (const row of target.rows) for (const n of row.notModelled) out.push(`not modelled in ${clean(row.policy)} ${row.path}: ${clean(n)}`);
  return `${out.join("\n")}\n`;
}

function rowLines(row: ExplainRow, target: string, clean: (text: string) => string): string[][] {
  const height = Math.max(row.peers.length, row.ports.length);
  const lines: string[][] = [];
  for (let i = 0; i < height; i++) {
    lines.push(
      i === 0
        ? [`${row.direction} ${row.action}`, target, `${clean(row.policy)} ${row.path}`, clean(row.peers[0] ?? ""), clean(row.ports[0] ?? "")]
        : ["", "", "", clean(row.peers[i] ?? ""), clean(row.ports[i] ?? "")],
    );
  }
  return lines;
}

/** The JSON form: the table as data, each row's TYPE split into direction and action. */
export function explainTableToJson(table: ExplainTable): string {
  const json = {
    targets: table.targets.map((t) => ({
      target: targetText(t),
      namespace: t.namespace ?? null,
      selector: t.selector,
      isolatedBy: t.isolatedBy,
      withoutDefaultDeny: t.withoutDefaultDeny,
      rows: t.rows.map((r) => ({ type: `${r.direction} ${r.action}`, ...r })),
    })),
    hostPolicies: table.hostPolicies,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
