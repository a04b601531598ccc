/**
 * L7 access-log records (event type 129) and the `Summary` texts Hubble gives them, in
 * the forms of the recorded captures: `HTTP/1.1 GET http://details:9080/details/0`,
 * `HTTP/1.1 200 2ms (GET …)` (whole milliseconds, truncated), `DNS Query x. A`,
 * `DNS Answer "10.245.111.254" TTL: 14 (Proxy x. A)` and, with no answer,
 * `DNS Answer  TTL: 4294967295 (Proxy x. AAAA)`.
 */
import type { Layer7Json } from "./wire.js";

/** A header as Hubble lists it. */
export interface Header {
  readonly key: string;
  readonly value: string;
}

/** One HTTP request and its response. */
export interface HttpExchange {
  readonly method: string;
  /** Full URL as Envoy logs it: `http://<authority><path>?<query>`. */
  readonly url: string;
  readonly code: number;
  readonly requestHeaders: readonly Header[];
  readonly responseHeaders: readonly Header[];
}

/** An L7 record with its summary. */
export interface L7Record {
  readonly l7: Layer7Json;
  readonly summary: string;
}

const PROTOCOL = "HTTP/1.1";

/** Hubble lists request headers sorted by name (pseudo-headers such as `:scheme` first). */
function sorted(headers: readonly Header[]): Header[] {
  return [...headers].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The proxy's record of a request. */
export function httpRequest(ex: HttpExchange): L7Record {
  return {
    l7: { type: "REQUEST", http: { method: ex.method, url: ex.url, protocol: PROTOCOL, headers: sorted(ex.requestHeaders) } },
    summary: `${PROTOCOL} ${ex.method} ${ex.url}`,
  };
}

/** The proxy's record of the response, `latencyNs` after the request. */
export function httpResponse(ex: HttpExchange, latencyNs: number): L7Record {
  const ns = Math.round(latencyNs);
  return {
    l7: {
      type: "RESPONSE", ...(ns > 0 ? { latency_ns: String(ns) } : {}),
      http: { code: ex.code, method: ex.method, url: ex.url, protocol: PROTOCOL, headers: sorted(ex.responseHeaders) },
    },
    summary: `${PROTOCOL} ${ex.code} ${Math.floor(ns / 1e6)}ms (${ex.method} ${ex.url})`,
  };
}

/** One DNS question and what the server answered. */
export interface DnsQuestion {
  /** FQDN with the trailing dot. */
  readonly query: string;
  readonly qtype: "A" | "AAAA";
  /** Answer addresses; empty for NODATA and NXDOMAIN. */
  readonly ips: readonly string[];
  /** Answer TTL; Cilium's proxy reports 4294967295 when there is no answer record. */
  readonly ttl: number;
  /** 0 NOERROR, 3 NXDOMAIN. */
  readonly rcode: number;
}

const RCODE_NAMES: Readonly<Record<number, string>> = { 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED" };

/** The DNS proxy's record of a question. */
export function dnsRequest(q: DnsQuestion): L7Record {
  return {
    l7: { type: "REQUEST", dns: { query: q.query, observation_source: "proxy", qtypes: [q.qtype] } },
    summary: `DNS Query ${q.query} ${q.qtype}`,
  };
}

/** The proxy's record of the answer; the 1.10 proxy reported no latency for DNS. */
export function dnsResponse(q: DnsQuestion): L7Record {
  const answer = q.rcode === 0 ? q.ips.map((ip) => `"${ip}"`).join(",") : `RCode: ${RCODE_NAMES[q.rcode] ?? String(q.rcode)}`;
  return {
    l7: {
      type: "RESPONSE",
      dns: {
        query: q.query, ...(q.ips.length > 0 ? { ips: q.ips } : {}), ttl: q.ttl, observation_source: "proxy",
        ...(q.rcode === 0 ? {} : { rcode: q.rcode }), qtypes: [q.qtype], ...(q.ips.length > 0 ? { rrtypes: [q.qtype] } : {}),
      },
    },
    summary: `DNS Answer ${answer} TTL: ${q.ttl} (Proxy ${q.query} ${q.qtype})`,
  };
}

/** TTL of an empty answer as Cilium's DNS proxy reports it. */
export const NO_ANSWER_TTL = 4_294_967_295;
