import type { CompiledRule, Direction, PolicySection } from "../policy/index.js";
import { forEachBit, isEmptyBits, setBit } from "./permission-bits.js";
import type { Bits } from "./permission-bits.js";
import { PeerSets } from "./permission-peers.js";
import { namedTarget, numericCoverage, portAdmits, portClasses } from "./permission-ports.js";
import type { PortClasses, PortElement } from "./permission-ports.js";
import { membersWhere } from "./permission-universe.js";
import type { Universe } from "./permission-universe.js";

/** One allow or deny rule as a rectangle: the peers it matches times the port classes it admits. */
export interface RuleTerm {
  readonly peers: Bits;
  /** Per class: admitted by an alternative that names no port. */
  readonly covers: Uint8Array;
  /** Per class: the destinations on which a named port of the rule resolves into it; `undefined`: none. */
  readonly named: ReadonlyMap<number, Bits> | undefined;
}

/** What decides one direction of one member. */
export interface DirectionProfile {
  /** Endpoint policy applies (pods, health, init); otherwise the direction allows everything. */
  readonly enforced: boolean;
  /** A selecting policy enables default deny for this direction. */
  readonly isolated: boolean;
  readonly allow: readonly RuleTerm[];
  readonly deny: readonly RuleTerm[];
}

/** The rules of the model over a universe and a set of port elements. */
export interface RuleTables {
  readonly classes: PortClasses;
  readonly egress: readonly DirectionProfile[];
  readonly ingress: readonly DirectionProfile[];
  /** Peers the local host implicitly reaches or is reached by, per direction. */
  readonly implicit: Readonly<Record<Direction, Bits>>;
}

/**
 * Compiles the rules selecting each member, following the evaluator: a member's
 * sections are those of its namespace plus the cluster-wide ones whose subject selector
 * matches it; rules of every section are one union, deny rules win, and any selecting
 * section with default deny isolates the direction.
 */
export function compileRuleTables(universe: Universe, elements: readonly PortElement[]): RuleTables {
  const peers = new PeerSets(universe);
  const selected = { egress: universe.members.map((): PolicySection[] => []), ingress: universe.members.map((): PolicySection[] => []) };
  const subjects = membersWhere(universe, (m) => m.facts.isPolicySubject);
  const subjectsOf = new Map<PolicySection, Bits>();
  const namespaces = new Set(universe.members.map((m) => m.facts.namespace).filter((ns) => ns !== undefined));
  const scoped: { section: PolicySection; within: Bits }[] = universe.model.clusterwide.map((section) => ({ section, within: subjects }));
  for (const ns of namespaces) {
    const within = universe.arena.and(subjects, membersWhere(universe, (m) => m.facts.namespace === ns));
    for (const section of universe.model.byNamespace.get(ns) ?? []) scoped.push({ section, within });
  }
  for (const { section, within } of scoped) {
    if (section.subject === undefined) continue;
    const bits = universe.arena.and(within, peers.selector(section.subject));
    // A section that selects no candidate cannot change a count: leave its rules out.
    if (isEmptyBits(bits)) continue;
    subjectsOf.set(section, bits);
    forEachBit(bits, (i) => selected[section.direction][i]?.push(section));
  }
  const rules = new Map<CompiledRule, Bits>();
  for (const [section, bits] of subjectsOf) {
    for (const rule of [...section.allow, ...section.deny]) rules.set(rule, section.direction === "egress" ? peers.rulePeers(rule) : bits);
  }
  const { classes, coverages, resolutions } = classesOf(universe, elements, rules);
  const terms = new Map<CompiledRule, RuleTerm>();
  for (const rule of rules.keys()) {
    terms.set(rule, termOf(universe, { classes, peers: peers.rulePeers(rule), coverage: coverages.get(rule), resolved: resolutions.get(rule) ?? [] }));
  }
  const profile = (sections: readonly PolicySection[], i: number): DirectionProfile => ({
    enforced: universe.members[i]?.facts.isPolicySubject ?? false,
    isolated: sections.some((s) => s.defaultDeny),
    allow: sections.flatMap((s) => s.allow.map((r) => terms.get(r)).filter((t) => t !== undefined)),
    deny: sections.flatMap((s) => s.deny.map((r) => terms.get(r)).filter((t) => t !== undefined)),
  });
  // Cilium allows ingress from the local host by default; the upstream profile also egress to it.
  const host = peers.entity("host");
  return {
    classes,
    egress: selected.egress.map(profile),
    ingress: selected.ingress.map(profile),
    implicit: { ingress: host, egress: universe.profile.localHost === "both" ? host : universe.arena.empty() },
  };
}

/** A named port of a rule resolved on a destination member to an element it admits. */
interface Resolution {
  readonly element: number;
  readonly member: number;
}

/**
 * The port classes, from every rule's numeric coverage and the elements named ports
 * resolve to on the destinations each rule can see (`rules`: rule → those members).
 */
function classesOf(universe: Universe, elements: readonly PortElement[], rules: ReadonlyMap<CompiledRule, Bits>): {
  classes: PortClasses;
  coverages: Map<CompiledRule, Uint8Array>;
  resolutions: Map<CompiledRule, Resolution[]>;
} {
  const byText = new Map(elements.map((e, i) => [e.text, i]));
  const resolutions = new Map<CompiledRule, Resolution[]>();
  const singletons = new Set<number>();
  const coverages = new Map<CompiledRule, Uint8Array>();
  for (const [rule, destinations] of rules) {
    coverages.set(rule, numericCoverage(rule, elements, universe.profile));
    const named = (rule.ports ?? []).filter((alt) => alt.name !== undefined);
    if (named.length === 0) continue;
    const found: Resolution[] = [];
    forEachBit(destinations, (member) => {
      const namedPorts = universe.members[member]?.namedPorts;
      if (namedPorts === undefined) return;
      for (const alt of named) {
        const target = namedTarget(alt, namedPorts);
        const element = target === undefined ? undefined : byText.get(`${target.protocol}/${target.port}`);
        const e = element === undefined ? undefined : elements[element];
        if (element === undefined || e === undefined || !portAdmits(alt, e, namedPorts, universe.profile)) continue;
        singletons.add(element);
        found.push({ element, member });
      }
    });
    resolutions.set(rule, found);
  }
  return { classes: portClasses(elements, coverages.values(), singletons), coverages, resolutions };
}

interface TermJob {
  readonly classes: PortClasses;
  readonly peers: Bits;
  /** What the rule's numeric alternatives admit, per element. */
  readonly coverage: Uint8Array | undefined;
  readonly resolved: readonly Resolution[];
}

function termOf(universe: Universe, job: TermJob): RuleTerm {
  const { classes } = job;
  // Numeric coverage is the same for every element of a class, by construction.
  const covers = new Uint8Array(classes.count);
  job.coverage?.forEach((v, i) => {
    covers[classes.classOf[i] ?? 0] = v;
  });
  let named: Map<number, Bits> | undefined;
  for (const { element, member } of job.resolved) {
    const k = classes.classOf[element] ?? -1;
    if (covers[k] === 1) continue;
    named ??= new Map();
    let bits = named.get(k);
    if (bits === undefined) named.set(k, (bits = universe.arena.empty()));
    setBit(bits, member);
  }
  return { peers: job.peers, covers, named };
}
