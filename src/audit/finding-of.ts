import type { EdgeDrops } from "./drops.js";
import type { Finding } from "./finding.js";
import type { OverBroadAllow } from "./over-broad.js";
import { edgeText, portText } from "./traffic.js";
import type { WouldBeDrop } from "./would-be-drops.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The finding for a would-be drop: always high, it breaks traffic once enforced. */
export function wouldBeDropFinding(d: WouldBeDrop): Finding {
  const causes = new Set(d.edges.flatMap((e) => e.causes));
  const why = [
    causes.has("not-isolated") ? "not isolated today" : "",
    causes.has("denied") ? "denied by the policies given" : "",
    causes.has("audit-verdict") ? "AUDIT verdicts from Hubble" : "",
  ].filter((w) => w !== "").join(", ");
  const peers = d.edges.map((e) => `${e.peer} ${portText(e.protocol, e.port)}`);
  return {
    kind: "would-be-drop", id: `would-be-drop:${d.direction}:${d.subject}`, severity: "high", namespace: d.namespace,
    summary: `${d.subject} ${d.direction}: ${plural(d.edges.length, "peer/port")} (${plural(d.connections, "connection")}, ${plural(d.requests, "request")}${d.existing > 0 ? `, ${d.existing} existing` : ""}) would be dropped (${why}): ${peers.slice(0, 3).join(", ")}${peers.length > 3 ? ", ..." : ""}`,
    evidence: d,
  };
}

/** The finding for dropped traffic on an edge. */
export function dropFinding(d: EdgeDrops): Finding {
  const reasons = Object.entries(d.reasons).map(([r, n]) => `${r} ${n}`).join(", ");
  const base = { namespace: d.namespace, evidence: d };
  if (d.class === "policy") {
    return { ...base, kind: "policy-drop", id: `policy-drop:${edgeText(d)}`, severity: "medium", summary: `${edgeText(d)}: ${plural(d.count, "drop")} by policy (${reasons})` };
  }
  return { ...base, kind: "infrastructure-drop", id: `infrastructure-drop:${edgeText(d)}`, severity: "low", summary: `${edgeText(d)}: ${plural(d.count, "drop")} not caused by policy (${reasons})` };
}

/** The finding for an over-broad piece; ports alone are low, peers medium. */
export function overBroadFinding(o: OverBroadAllow): Finding {
  const factor = o.factor >= 1000 ? o.factor.toExponential(1) : o.factor.toFixed(1);
  return {
    kind: "over-broad-allow", id: `over-broad-allow:${o.location.policy}:${o.location.path}:${o.metric}`,
    severity: o.metric === "ports" ? "low" : "medium",
    namespace: o.location.namespace,
    summary: `${o.location.policy} ${o.location.path} (${o.piece}) allows ${o.allowed} ${o.metric}, ${o.used} used (x${factor})${o.usedBy.length > 0 ? `: ${o.usedBy.slice(0, 3).join(", ")}${o.usedBy.length > 3 ? ", ..." : ""}` : ""}`,
    evidence: o,
  };
}
