import { describeIdentity, displayText } from "../flows/index.js";
import type { ObservedEdge, ObservedGraph } from "./graph-types.js";
import type { EffectiveWindow } from "./window.js";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function dropped(edge: ObservedEdge): number {
  return (edge.connectionsByVerdict.DROPPED ?? 0) + (edge.requestsByVerdict.DROPPED ?? 0);
}

function namer(graph: ObservedGraph): (key: string) => string {
  const names = new Map(graph.identities.map((i) => [i.identity.key, describeIdentity(i.identity)]));
  return (key) => names.get(key) ?? key;
}

/** A window as `{since, until}` in RFC 3339, with its `note` when it is wider than asked. */
export function windowToJson(window: EffectiveWindow): { readonly since: string; readonly until: string; readonly note?: string } {
  return { since: iso(window.sinceMs), until: iso(window.untilMs), ...(window.note === undefined ? {} : { note: window.note }) };
}

/** The graph as a JSON document (times as RFC 3339), for scripts and the API. */
export function graphToJson(graph: ObservedGraph): string {
  const doc = {
    window: windowToJson(graph.window),
    identities: graph.identities.map(({ identity, firstSeenMs, lastSeenMs }) => ({
      ...identity, firstSeen: iso(firstSeenMs), lastSeen: iso(lastSeenMs),
    })),
    edges: graph.edges.map(({ firstSeenMs, lastSeenMs, http, dns, ...edge }) => ({
      ...edge,
      firstSeen: iso(firstSeenMs),
      lastSeen: iso(lastSeenMs),
      http: http.map(({ firstSeenMs: f, lastSeenMs: l, ...h }) => ({ ...h, firstSeen: iso(f), lastSeen: iso(l) })),
      dns: dns.map(({ firstSeenMs: f, lastSeenMs: l, ...d }) => ({ ...d, firstSeen: iso(f), lastSeen: iso(l) })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * A DOT string literal. Cluster-supplied names are untrusted: backslashes and quotes are
 * escaped (so no `\l`, `\N` or quote can change the output) and control characters dropped.
 */
export function dotString(text: string): string {
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "");
  return `"${clean.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The graph in Graphviz DOT: one cluster per namespace; red edges dropped traffic, dashed ones only pre-existing connections. */
export function graphToDot(graph: ObservedGraph): string {
  const name = namer(graph);
  const ids = new Map(graph.identities.map((i, n) => [i.identity.key, `n${n}`]));
  const lines = ["digraph observed {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const byNamespace = new Map<string, string[]>();
  for (const { identity } of graph.identities) {
    const ns = identity.kind === "workload" ? identity.namespace : "";
    const label = identity.kind === "workload" ? `${dotString(identity.name).slice(0, -1)}\\n${dotString(identity.workloadKind).slice(1)}` : dotString(describeIdentity(identity));
    const line = `${dotString(ids.get(identity.key) ?? "")} [label=${label}];`;
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), line]);
  }
  let cluster = 0;
  for (const [ns, nodes] of byNamespace) {
    if (ns === "") {
      lines.push(...nodes.map((n) => `  ${n}`));
      continue;
    }
    lines.push(`  subgraph ${dotString(`cluster_${cluster++}`)} {`, `    label=${dotString(ns)};`, ...nodes.map((n) => `    ${n}`), "  }");
  }
  for (const edge of graph.edges) {
    const counts = [edge.connections > 0 ? `${edge.connections} conn` : "", edge.requests > 0 ? `${edge.requests} req` : "", dropped(edge) > 0 ? `${dropped(edge)} dropped` : ""]
      .filter((s) => s !== "")
      .join(", ");
    const label = `${dotString(`${edge.protocol}/${edge.port}`).slice(0, -1)}${counts ? `\\n${counts}` : ""}"`;
    const style = dropped(edge) > 0 ? ', color="red"' : edge.connections + edge.requests === 0 ? ', style="dashed"' : "";
    lines.push(`  ${dotString(ids.get(edge.source) ?? name(edge.source))} -> ${dotString(ids.get(edge.destination) ?? name(edge.destination))} [label=${label}${style}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** The window a graph's counts cover, as a line for people (with the note when it is wider than asked). */
export function windowLine(window: EffectiveWindow): string {
  return `window ${iso(window.sinceMs)} to ${iso(window.untilMs)}${window.note === undefined ? "" : ` (${window.note})`}\n`;
}

/** The graph as an aligned text table, one edge per line. */
export function graphToTable(graph: ObservedGraph): string {
  const name = namer(graph);
  const header = ["SOURCE", "DESTINATION", "PORT", "CONN", "REQ", "DROPPED", "VERDICTS", "LAST SEEN"];
  const rows = graph.edges.map((e) => [
    displayText(name(e.source)), displayText(name(e.destination)), `${e.protocol}/${e.port}`, String(e.connections), String(e.requests), String(dropped(e)),
    Object.entries(e.connectionsByVerdict).map(([v, n]) => `${v}=${n}`).join(",") || (e.existing > 0 ? "existing" : "-"),
    iso(e.lastSeenMs).slice(0, 19).replace("T", " "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return `${[format(header), ...rows.map(format)].join("\n")}\n`;
}
