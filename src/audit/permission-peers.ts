import type { CompiledPeer, CompiledRule } from "../policy/index.js";
import { cidrContains } from "../policy/index.js";
import { andInto, orInto, setBit } from "./permission-bits.js";
import type { Bits } from "./permission-bits.js";
import { membersWhere } from "./permission-universe.js";
import type { Member, Universe } from "./permission-universe.js";

/** A compiled label selector, as the model holds it. */
export type Selector = Extract<CompiledPeer, { kind: "selector" }>["selector"];
type Requirement = Selector["requirements"][number];

/**
 * The members each selector, peer and rule matches, each worked out once over the
 * universe and kept: a selector is decided once per identity, not once per connection.
 */
export class PeerSets {
  private readonly requirementIds = new Map<string, Map<string, Map<string, Map<string, number>>>>();
  /** Members of each requirement, by requirement id; filled as ids are handed out. */
  private readonly requirementBits: (Bits | undefined)[] = [];
  private nextRequirement = 0;
  private readonly selectors = new Map<number, Bits>();
  private readonly bySelectorKey = new Map<string, Bits>();
  private readonly byText = new Map<string, Selector[]>();
  private readonly entities = new Map<string, Bits>();
  private readonly rules = new Map<CompiledRule, Bits>();

  constructor(private readonly universe: Universe) {}

  /** Members a selector matches (the intersection of its requirements; none: everyone). */
  selector(selector: Selector): Bits {
    let bits = this.selectors.get(selector.id) ?? this.sameAs(selector);
    if (bits === undefined) {
      const ids = selector.requirements.map((r) => this.requirementId(r));
      const key = [...ids].sort((a, b) => a - b).join(",");
      bits = this.bySelectorKey.get(key);
      if (bits === undefined) {
        bits = this.universe.arena.copy(this.universe.all);
        for (const [i, r] of selector.requirements.entries()) andInto(bits, this.requirement(r, ids[i] ?? -1));
        this.bySelectorKey.set(key, bits);
      }
    }
    this.selectors.set(selector.id, bits);
    return bits;
  }

  /**
   * The members of an earlier selector with the same requirements in the same order, if
   * any: many selectors are written alike (a workload's own selector and the peer
   * selectors naming it). Candidates come by text and are compared field by field.
   */
  private sameAs(selector: Selector): Bits | undefined {
    const earlier = this.byText.get(selector.text);
    if (earlier === undefined) {
      this.byText.set(selector.text, [selector]);
      return undefined;
    }
    const twin = earlier.find((e) => sameRequirements(e, selector));
    if (twin === undefined) earlier.push(selector);
    return twin === undefined ? undefined : this.selectors.get(twin.id);
  }

  /**
   * A number per distinct requirement (key, source, operator, values), so that equal
   * requirements of different selectors share their members; nested maps over the
   * requirement's own strings avoid building a key text per requirement.
   */
  private requirementId(r: Requirement): number {
    // No source (any) cannot collide with a named one: sources never start with a NUL.
    const bySource = child(this.requirementIds, r.key, () => new Map<string, Map<string, Map<string, number>>>());
    const byOperator = child(bySource, r.source ?? "\u0000", () => new Map<string, Map<string, number>>());
    const byValues = child(byOperator, r.operator, () => new Map<string, number>());
    // One value: "=" and the value; otherwise the sorted values as JSON ("[...]"): never equal.
    const values = r.values.size === 1 ? `=${r.values.values().next().value ?? ""}` : JSON.stringify([...r.values].sort());
    return child(byValues, values, () => this.nextRequirement++);
  }

  /** Members of a Cilium entity. */
  entity(name: string): Bits {
    let bits = this.entities.get(name);
    if (bits === undefined) {
      bits = membersWhere(this.universe, (m) => m.facts.entities.has(name));
      this.entities.set(name, bits);
    }
    return bits;
  }

  /**
   * Members a rule's peer list matches: any alternative (peers are ORed); no list means
   * any peer, an empty list none. Unsupported peers never match (the evaluator treats
   * them as not matching, for allow and deny rules alike).
   */
  rulePeers(rule: CompiledRule): Bits {
    let bits = this.rules.get(rule);
    if (bits === undefined) {
      if (rule.peers === undefined) bits = this.universe.all;
      else if (rule.peers.length === 1 && rule.peers[0] !== undefined) bits = this.peer(rule.peers[0]);
      else {
        bits = this.universe.arena.empty();
        for (const p of rule.peers) orInto(bits, this.peer(p));
      }
      this.rules.set(rule, bits);
    }
    return bits;
  }

  private peer(p: CompiledPeer): Bits {
    switch (p.kind) {
      case "selector":
        return this.selector(p.selector);
      case "entity":
        return this.entity(p.entity);
      case "cidr":
        return membersWhere(this.universe, (m) => cidrMatches(p, m, this.universe));
      case "fqdn":
        // toFQDNs: world peers whose DNS names (as Hubble reported them) match.
        return membersWhere(this.universe, (m) => m.facts.entities.has("world") && m.dnsNames.some((n) => p.matcher.test(n)));
      case "unsupported":
        return this.universe.arena.empty();
      default: {
        const never: never = p;
        throw new Error(`unknown peer ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Members satisfying one requirement, from the members that carry its key (Kubernetes
   * semantics: In needs one of the values, NotIn holds when absent or another value,
   * Exists / DoesNotExist test presence; a source-less requirement reads every source).
   */
  private requirement(r: Requirement, id: number): Bits {
    let bits = this.requirementBits[id];
    if (bits === undefined) {
      const values = [...r.values];
      switch (r.operator) {
        case "In":
          bits = this.carrying(r, values);
          break;
        case "NotIn":
          bits = this.universe.arena.complement(this.carrying(r, values));
          break;
        case "Exists":
          bits = this.carrying(r, undefined);
          break;
        case "DoesNotExist":
          bits = this.universe.arena.complement(this.carrying(r, undefined));
          break;
        default: {
          const never: never = r.operator;
          throw new Error(`unknown operator ${String(never)}`);
        }
      }
      this.requirementBits[id] = bits;
    }
    return bits;
  }

  /** Members with the requirement's key (from its source, if it names one) and one of `values`; `undefined`: any value. */
  private carrying(r: Requirement, values: readonly string[] | undefined): Bits {
    const bits = this.universe.arena.empty();
    const at = this.universe.postings.get(r.key);
    if (at === undefined) return bits;
    const lists = values === undefined ? [at.all] : values.map((v) => at.byValue.get(v) ?? []);
    for (const list of lists) {
      for (const { member, entry } of list) if (r.source === undefined || entry.source === r.source) setBit(bits, member);
    }
    return bits;
  }
}

/** The entry of `key`, made by `make` when missing. */
function child<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function sameRequirements(a: Selector, b: Selector): boolean {
  if (a.requirements.length !== b.requirements.length) return false;
  for (let i = 0; i < a.requirements.length; i++) {
    const r = a.requirements[i];
    const o = b.requirements[i];
    if (r === undefined || o === undefined || r.key !== o.key || r.source !== o.source || r.operator !== o.operator || r.values.size !== o.values.size) return false;
    for (const v of r.values) if (!o.values.has(v)) return false;
  }
  return true;
}

/**
 * CIDR and ipBlock peers (Cilium layer3 docs): they select peers outside the cluster,
 * never pods (except an ipBlock under a profile that matches pod addresses) and by
 * default never nodes, health or ingress endpoints. Without an address only a /0 with
 * no exceptions matches, and only world peers.
 */
function cidrMatches(p: Extract<CompiledPeer, { kind: "cidr" }>, m: Member, universe: Universe): boolean {
  const { facts } = m;
  const { profile } = universe;
  if (facts.isPod && !(p.from === "ipBlock" && profile.ipBlockMatchesPods)) return false;
  if (facts.isNode && !profile.cidrMatchesNodes) return false;
  if (facts.entities.has("health") || facts.entities.has("ingress")) return false;
  if (m.ip === undefined) return p.cidr.bits === 0 && facts.entities.has("world") && p.except.length === 0;
  const ip = m.ip;
  return cidrContains(p.cidr, ip) && !p.except.some((e) => cidrContains(e, ip));
}
