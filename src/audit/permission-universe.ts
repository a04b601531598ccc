import type { Identity } from "../flows/index.js";
import type { IpAddress, NamedPort, PolicyModel, SemanticsProfile } from "../policy/index.js";
import { parseIp } from "../policy/index.js";
import { BitsArena, fullBits, setBit } from "./permission-bits.js";
import type { Bits } from "./permission-bits.js";
import { labelFactsOf } from "./permission-labels.js";
import type { LabelEntry, LabelFacts } from "./permission-labels.js";
import type { PolicyView } from "./policy-view.js";

/** One candidate identity with what policy reads from it. */
export interface Member {
  readonly identity: Identity;
  readonly facts: LabelFacts;
  /** Parsed address, for CIDR rules; `undefined` when none or invalid. */
  readonly ip: IpAddress | undefined;
  /** DNS names without the trailing dot, for toFQDNs. */
  readonly dnsNames: readonly string[];
  /** Named container ports; `undefined` when unknown (named ports then never match). */
  readonly namedPorts: readonly NamedPort[] | undefined;
  /** Index of the member's counting group. */
  readonly group: number;
}

/**
 * The identities the set algebra works over, numbered 0..size-1 (bit positions), with
 * a label index across them so that a selector requirement costs the identities that
 * carry its key, not all of them.
 */
export interface Universe {
  readonly size: number;
  readonly members: readonly Member[];
  readonly model: PolicyModel;
  readonly profile: SemanticsProfile;
  readonly all: Bits;
  /** Where the universe's bit sets are allocated. */
  readonly arena: BitsArena;
  /** Members by label key, all of them and by value. */
  readonly postings: ReadonlyMap<string, KeyPostings>;
}

/** A member's label entry under one key. */
export interface Posting {
  readonly member: number;
  readonly entry: LabelEntry;
}

/** The members carrying one label key. */
export interface KeyPostings {
  readonly all: readonly Posting[];
  readonly byValue: ReadonlyMap<string, readonly Posting[]>;
}

/** An identity to place in the universe and the group its triples are counted under. */
export interface Placement {
  readonly identity: Identity;
  readonly group: number;
}

/** Builds the universe of `placements`, in that order. */
export function buildUniverse(placements: readonly Placement[], view: PolicyView, profile: SemanticsProfile): Universe {
  const postings = new Map<string, { all: Posting[]; byValue: Map<string, Posting[]> }>();
  const members = placements.map(({ identity, group }, member): Member => {
    const endpoint = view.endpoint(identity);
    const facts = labelFactsOf(endpoint, view.model, profile);
    for (const [key, entries] of facts.index) {
      let at = postings.get(key);
      if (at === undefined) postings.set(key, (at = { all: [], byValue: new Map() }));
      for (const entry of entries) {
        const posting = { member, entry };
        at.all.push(posting);
        const same = at.byValue.get(entry.value);
        if (same === undefined) at.byValue.set(entry.value, [posting]);
        else same.push(posting);
      }
    }
    return {
      identity, facts, group,
      ip: endpoint.ip === undefined ? undefined : parseIp(endpoint.ip),
      dnsNames: endpoint.dnsNames ?? [],
      namedPorts: endpoint.namedPorts,
    };
  });
  return { size: members.length, members, model: view.model, profile, all: fullBits(members.length), arena: new BitsArena(members.length), postings };
}

/** The members that satisfy `test`. */
export function membersWhere(universe: Universe, test: (m: Member) => boolean): Bits {
  const bits = universe.arena.empty();
  universe.members.forEach((m, i) => {
    if (test(m)) setBit(bits, i);
  });
  return bits;
}
