import type { DnsQuestion } from "./dns-records.js";
import type { Random } from "./prng.js";

/** A name a client resolves before dialling, with the addresses CoreDNS returns for it. */
export interface NameTarget {
  /** FQDN with the trailing dot. */
  readonly name: string;
  readonly ips: readonly string[];
  /** True for names outside the cluster domain, which resolv.conf search paths expand first. */
  readonly external: boolean;
}

/**
 * The questions a pod in `namespace` asks to resolve `target`: sometimes a search-path
 * expansion that fails with NXDOMAIN first (ndots:5 makes short external names try the
 * cluster suffixes), the A query, and often an AAAA query that returns no records.
 */
export function questionsFor(target: NameTarget, namespace: string, random: Random): DnsQuestion[] {
  const out: DnsQuestion[] = [];
  if (target.external && random.chance(0.3)) {
    out.push({ query: `${target.name}${namespace}.svc.cluster.local.`, qtype: "A", ips: [], ttl: 0, rcode: 3 });
  }
  const ttl = target.external ? random.between(30, 300) : random.between(5, 30);
  out.push({ query: target.name, qtype: "A", ips: target.ips, ttl, rcode: 0 });
  if (random.chance(0.4)) out.push({ query: target.name, qtype: "AAAA", ips: [], ttl: 0, rcode: 0 });
  return out;
}
