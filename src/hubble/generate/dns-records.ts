import type { Layer7Json } from "./jsonpb.js";

/** One DNS question and the answer CoreDNS gives. */
export interface DnsQuestion {
  /** FQDN with the trailing dot. */
  readonly query: string;
  readonly qtype: "A" | "AAAA";
  /** Answer addresses; empty for NODATA and NXDOMAIN. */
  readonly ips: readonly string[];
  readonly ttl: number;
  /** 0 NOERROR, 3 NXDOMAIN. */
  readonly rcode: number;
}

/** TTL Cilium's DNS proxy reports when the answer carries no records. */
const NO_ANSWER_TTL = 4_294_967_295;

/** The REQUEST record the DNS proxy emits and its summary. */
export function dnsRequestRecord(q: DnsQuestion): { l7: Layer7Json; summary: string } {
  return {
    l7: { type: "REQUEST", dns: { query: q.query, observation_source: "proxy", qtypes: [q.qtype] } },
    summary: `DNS Query ${q.query} ${q.qtype}`,
  };
}

/** The RESPONSE record; empty answers carry the all-ones TTL as in real captures. */
export function dnsResponseRecord(q: DnsQuestion, latencyNs: number): { l7: Layer7Json; summary: string } {
  const answered = q.ips.length > 0;
  const ttl = answered ? q.ttl : NO_ANSWER_TTL;
  const tail = `TTL: ${ttl} (Proxy ${q.query} ${q.qtype})`;
  const summary = q.rcode === 3
    ? `DNS Answer RCode: Non-Existent Domain ${tail}`
    : `DNS Answer ${answered ? `"${q.ips.join(",")}"` : ""} ${tail}`;
  const dns = answered
    ? { query: q.query, ips: q.ips, ttl, observation_source: "proxy", qtypes: [q.qtype], rrtypes: [q.qtype] }
    : q.rcode === 0
      ? { query: q.query, ttl, observation_source: "proxy", qtypes: [q.qtype] }
      : { query: q.query, ttl, observation_source: "proxy", rcode: q.rcode, qtypes: [q.qtype] };
  return { l7: { type: "RESPONSE", latency_ns: String(Math.max(1, Math.round(latencyNs))), dns }, summary };
}
