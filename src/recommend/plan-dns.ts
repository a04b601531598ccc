import type { PlannedDirection, PlannedPort, PlannedRule } from "./plan.js";
import type { RuleEvidence } from "./types.js";

const DNS_PORT = 53;

function isDnsPort(p: PlannedPort): boolean {
  return p.port === DNS_PORT && (p.protocol === "UDP" || p.protocol === "TCP");
}

/** Whether a rule carries DNS: port 53 over UDP or TCP. */
export function hasDns(rule: PlannedRule): boolean {
  return rule.ports.some(isDnsPort);
}

/**
 * Keys of the subjects that serve DNS: something reached them on port 53. One pass over
 * the plan, so asking it of every principal is a set look-up, not a scan of the plan.
 */
export function dnsServerKeys(planned: readonly PlannedDirection[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const pd of planned) if (pd.direction === "ingress" && pd.rules.some(hasDns)) out.add(pd.subject.key);
  return out;
}

function added(from: RuleEvidence, why: string): RuleEvidence {
  return { connections: 0, requests: 0, existing: 0, audited: 0, dropped: 0, firstSeenMs: from.firstSeenMs, lastSeenMs: from.lastSeenMs, added: why };
}

function withCompanions(ports: readonly PlannedPort[]): readonly PlannedPort[] {
  const dns = ports.find(isDnsPort);
  if (dns === undefined) return ports;
  const out = [...ports];
  for (const protocol of ["TCP", "UDP"]) {
    if (out.some((p) => p.port === DNS_PORT && p.protocol === protocol)) continue;
    const why = protocol === "TCP"
      ? "DNS over TCP, not observed: resolvers retry truncated answers over TCP (RFC 7766)"
      : "DNS over UDP, not observed: resolvers ask over UDP first";
    out.push({ protocol, port: DNS_PORT, evidence: added(dns.evidence, why), http: [], dns: [], traffic: [] });
  }
  return out.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

// Cilium's DNS proxy answers the lookups it intercepts by forwarding them itself, from the
// node: the DNS server sees them from the host identity (proxy on the same node) or the
// remote-node identity (another node). Seen in the recorded bookinfo capture: lookups
// REDIRECTED to the proxy, then reserved:remote-node → coredns on UDP 53.
const PROXY_LEG = "the DNS proxy's upstream leg: Cilium's DNS proxy forwards the lookups it intercepts from the node";

function proxied(rule: PlannedRule): boolean {
  return rule.ports.some((p) => isDnsPort(p) && p.traffic.some((t) => (t.edge.connectionsByVerdict.REDIRECTED ?? 0) > 0 || t.edge.dns.length > 0));
}

/**
 * DNS done the way resolvers and Cilium's DNS proxy use it:
 * - any rule with DNS (port 53, UDP or TCP, to any peer: the cluster DNS, NodeLocal DNSCache
 *   on the host, a pod) allows both UDP and TCP 53, the one not observed marked as added;
 * - a DNS server whose clients' lookups went through the DNS proxy also admits the proxy's
 *   upstream leg, from the host and remote-node entities, on UDP and TCP 53.
 */
export function addDnsCompanions(planned: readonly PlannedDirection[]): readonly PlannedDirection[] {
  return planned.map((pd) => {
    const rules = pd.rules.map((r) => (hasDns(r) ? { ...r, ports: withCompanions(r.ports) } : r));
    if (pd.direction !== "ingress" || !pd.rules.some(proxied)) return { ...pd, rules };
    const template = rules.find(proxied)?.ports.find(isDnsPort);
    if (template === undefined) return { ...pd, rules };
    const out = [...rules];
    for (const entity of ["host", "remote-node"] as const) {
      const key = `reserved:${entity}`;
      const at = out.findIndex((r) => r.peerKey === key);
      const leg: PlannedPort[] = ["TCP", "UDP"].map((protocol) => ({ protocol, port: DNS_PORT, evidence: added(template.evidence, PROXY_LEG), http: [], dns: [], traffic: [] }));
      if (at < 0) out.push({ peerKey: key, peer: { kind: "entity", entity, ips: [], onNode: false }, ports: leg });
      else {
        const known = out[at] as PlannedRule; // found just above
        const missing = leg.filter((p) => !known.ports.some((k) => k.protocol === p.protocol && k.port === p.port));
        out[at] = { ...known, ports: [...known.ports, ...missing].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port) };
      }
    }
    return { ...pd, rules: out.sort((a, b) => a.peerKey.localeCompare(b.peerKey)) };
  });
}
