import type { PolicySection } from "../compile/model.js";
import type { ConnectionInput } from "./endpoint.js";
import type { Evaluation } from "./evaluation.js";
import type { PreparedEndpoint, RuleNeeds } from "./prepare.js";
import type { SemanticsProfile } from "./semantics.js";

const NO_NEEDS: RuleNeeds = { ip: false, dns: false, namedPort: false, l7: false };
const MAX_ENTRIES = 200_000;

/** What the rules of some sections look at besides labels, protocol and port. */
export function needsOf(sections: readonly PolicySection[]): RuleNeeds {
  let ip = false;
  let dns = false;
  let namedPort = false;
  let l7 = false;
  for (const s of sections) {
    for (const rule of [...s.allow, ...s.deny]) {
      for (const p of rule.peers ?? []) {
        if (p.kind === "cidr") ip = true;
        else if (p.kind === "fqdn") dns = true;
      }
      for (const port of rule.ports ?? []) {
        if (port.name !== undefined) namedPort = true;
        if (port.l7 !== undefined) l7 = true;
      }
    }
  }
  return ip || dns || namedPort || l7 ? { ip, dns, namedPort, l7 } : NO_NEEDS;
}

/**
 * Remembers evaluations per identity pair. Hubble reports the same pairs over and over;
 * an evaluation depends only on the two label sets, protocol, port and ICMP type, plus
 * the per-flow facts that the selecting rules actually look at (addresses for CIDR rules,
 * DNS names for toFQDNs, the destination pod for named ports, the pods for the self
 * rule). Flows whose L7 request matters, or that bring their own named ports, are not
 * remembered.
 * Bounded: the memo starts over when full. Evaluations are immutable, so sharing is safe.
 */
export class EvaluationMemo {
  /** Source label-set id → (rest of the key → evaluation): numbers hash cheaply, the rest stays short. */
  private readonly entries = new Map<number, Map<string, Evaluation>>();
  private size = 0;

  constructor(private readonly profile: SemanticsProfile) {}

  /** The memo key (after the source id), or `undefined` when this connection must be evaluated afresh. */
  keyFor(input: ConnectionInput, source: PreparedEndpoint, destination: PreparedEndpoint, needs: readonly RuleNeeds[]): string | undefined {
    let key = `${destination.labels.id}/${input.protocol}/${input.port ?? ""}/${input.icmpType ?? ""}`;
    let ip = false;
    let dns = false;
    let namedPort = false;
    for (const n of needs) {
      if (n.l7 && input.l7 !== undefined) return undefined;
      ip ||= n.ip;
      dns ||= n.dns;
      namedPort ||= n.namedPort;
    }
    if (ip) key += `|${source.input.ip ?? ""},${destination.input.ip ?? ""}`;
    if (dns) key += `|${(source.input.dnsNames ?? []).join(",")}|${(destination.input.dnsNames ?? []).join(",")}`;
    if (namedPort) {
      if (destination.input.namedPorts !== undefined) return undefined;
      key += `|${destination.podKey ?? ""}`;
    }
    if (this.profile.selfAlwaysAllowed && source.podKey !== undefined && source.podKey === destination.podKey) key += "|self";
    return key;
  }

  get(source: PreparedEndpoint, key: string): Evaluation | undefined {
    return this.entries.get(source.labels.id)?.get(key);
  }

  set(source: PreparedEndpoint, key: string, evaluation: Evaluation): void {
    if (this.size >= MAX_ENTRIES) {
      this.entries.clear();
      this.size = 0;
    }
    let inner = this.entries.get(source.labels.id);
    if (inner === undefined) {
      inner = new Map<string, Evaluation>();
      this.entries.set(source.labels.id, inner);
    }
    if (!inner.has(key)) this.size++;
    inner.set(key, evaluation);
  }
}

export { NO_NEEDS };
