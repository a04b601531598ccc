import type { PolicyModel, PolicySection, RuleRef } from "../compile/model.js";
import { selectorMatches } from "../compile/selector.js";
import type { Direction, PolicyId } from "../spec/policy-id.js";
import type { ConnectionInput } from "./endpoint.js";
import type { DirectionEvaluation, Evaluation, UnsupportedTouch } from "./evaluation.js";
import { matchRule, type MatchContext, type RuleMatch } from "./match-rule.js";
import { EvaluationMemo, NO_NEEDS, needsOf } from "./evaluation-memo.js";
import { EndpointPreparer, type PreparedEndpoint, type PreparedLabels, type RuleNeeds, type SubjectSections } from "./prepare.js";
import { semanticsProfile, type SemanticsName, type SemanticsProfile } from "./semantics.js";

/** Evaluates connections against one compiled model under one semantics profile. */
export interface PolicyEvaluator {
  readonly semantics: SemanticsName;
  /** Decides a connection attempt (replies are allowed with their connection: evaluate that). */
  evaluate(input: ConnectionInput): Evaluation;
}

/** Options for {@link createPolicyEvaluator}. */
export interface EvaluatorOptions {
  /** `undefined` selects `cilium`. */
  readonly semantics?: SemanticsName;
}

/**
 * Creates an evaluator. It memoises selector matches and the sections that select each
 * label set, so repeated endpoints cost a map lookup; the model itself is never changed.
 */
export function createPolicyEvaluator(model: PolicyModel, options: EvaluatorOptions = {}): PolicyEvaluator {
  const profile = semanticsProfile(options.semantics);
  const preparer = new EndpointPreparer(model, profile);
  const memo = new EvaluationMemo(profile);
  return {
    semantics: profile.name,
    evaluate(input: ConnectionInput): Evaluation {
      const source = preparer.prepare(input.source);
      const destination = preparer.prepare(input.destination);
      const needs = [needsFor(model, source.labels, "egress"), needsFor(model, destination.labels, "ingress")];
      const key = memo.keyFor(input, source, destination, needs);
      const known = key === undefined ? undefined : memo.get(source, key);
      if (known !== undefined) return known;
      const unsupported: UnsupportedTouch[] = [];
      const run = (direction: Direction): DirectionEvaluation => {
        const subject = direction === "egress" ? source : destination;
        const peer = direction === "egress" ? destination : source;
        const ctx: MatchContext = { profile, input, peer, destination };
        return evaluateDirection({ model, profile, direction, subject, ctx, unsupported });
      };
      const egress = run("egress");
      const ingress = run("ingress");
      const verdict = egress.verdict === "denied" || ingress.verdict === "denied" ? "denied" : "allowed";
      const evaluation: Evaluation = { verdict, egress, ingress, unsupported: dedupe(unsupported), semantics: profile.name };
      if (key !== undefined) memo.set(source, key, evaluation);
      return evaluation;
    },
  };
}

interface DirectionJob {
  readonly model: PolicyModel;
  readonly profile: SemanticsProfile;
  readonly direction: Direction;
  readonly subject: PreparedEndpoint;
  readonly ctx: MatchContext;
  readonly unsupported: UnsupportedTouch[];
}

const NOT_ISOLATED: DirectionEvaluation = { verdict: "not-isolated", rules: [], isolatedBy: [] };

/**
 * One direction, following Cilium's documented order: a matching deny rule wins over
 * everything ("Deny policies take precedence over allow policies, regardless of whether
 * they are a CiliumNetworkPolicy, a CiliumClusterwideNetworkPolicy or a Kubernetes
 * NetworkPolicy"); else any matching allow rule of any policy kind allows (rules are a
 * union); else the subject is denied if any selecting policy enables default deny for
 * this direction, and not isolated otherwise.
 */
function evaluateDirection(job: DirectionJob): DirectionEvaluation {
  const { subject, direction, unsupported } = job;
  const labels = subject.labels;
  if (!labels.isPolicySubject) {
    if (labels.isNode) {
      for (const s of job.model.hostPolicies) {
        if (s.direction !== direction) continue;
        unsupported.push({ construct: "nodeSelector", policy: s.policy, direction, path: `${s.path}.nodeSelector`, detail: "host policies are not evaluated" });
      }
      return { ...NOT_ISOLATED, notEnforced: "host-endpoint" };
    }
    return { ...NOT_ISOLATED, notEnforced: "not-a-cilium-endpoint" };
  }
  const { sections, isolatedBy, requires } = sectionsFor(job.model, labels, direction);
  for (const { section, piece } of requires) {
    unsupported.push({ construct: piece.construct, policy: section.policy, direction, path: piece.path, detail: "requirement not applied" });
  }
  const touch = (s: PolicySection, construct: string, path: string, detail: string): void => {
    unsupported.push({ construct, policy: s.policy, direction, path, detail });
  };
  let denied: RuleRef[] | undefined;
  for (const s of sections) {
    for (const rule of s.deny) {
      const m = matchRule(rule, job.ctx);
      if (m.status === "match") (denied ??= []).push(refOf(rule.ref, m));
      for (const u of m.touched) if (!isRequires(u.construct)) touch(s, u.construct, u.path, m.status === "unknown" ? "deny rule treated as not matching" : "not evaluated");
    }
  }
  if (denied !== undefined) return { verdict: "denied", rules: denied, isolatedBy };
  const allowed: RuleRef[] = [];
  let l7Restricted = false;
  for (const s of sections) {
    for (const rule of s.allow) {
      const m = matchRule(rule, job.ctx);
      if (m.status === "match") {
        allowed.push(refOf(rule.ref, m));
        if (m.l7Restricted === true) l7Restricted = true;
      }
      for (const u of m.touched) if (!isRequires(u.construct)) touch(s, u.construct, u.path, m.status === "unknown" ? "allow rule treated as not matching" : "not evaluated");
    }
  }
  const implicit = implicitAllow(job);
  const isolated = isolatedBy.length > 0;
  if (allowed.length > 0 || implicit !== undefined) {
    return {
      verdict: isolated ? "allowed" : "not-isolated",
      rules: allowed,
      isolatedBy,
      ...(implicit !== undefined && allowed.length === 0 ? { implicit } : {}),
      ...(l7Restricted && isolated ? { l7Restricted: true as const } : {}),
    };
  }
  return { verdict: isolated ? "denied" : "not-isolated", rules: [], isolatedBy };
}

/** What the rules selecting a label set look at; nothing for endpoints policy does not apply to. */
function needsFor(model: PolicyModel, labels: PreparedLabels, direction: Direction): RuleNeeds {
  return labels.isPolicySubject ? sectionsFor(model, labels, direction).needs : NO_NEEDS;
}

function dedupe(touches: readonly UnsupportedTouch[]): UnsupportedTouch[] {
  if (touches.length === 0) return [];
  const seen = new Set<string>();
  return touches.filter((t) => {
    const key = `${t.direction}|${t.policy.kind}|${t.policy.namespace ?? ""}|${t.policy.name}|${t.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isRequires(construct: string): boolean {
  return construct === "fromRequires" || construct === "toRequires";
}

function implicitAllow(job: DirectionJob): "local-host" | "self" | undefined {
  const peer = job.ctx.peer;
  if (peer.labels.entities.has("host") && (job.direction === "ingress" || job.profile.localHost === "both")) return "local-host";
  if (job.profile.selfAlwaysAllowed && peer.podKey !== undefined && peer.podKey === job.subject.podKey) return "self";
  return undefined;
}

function refOf(ref: RuleRef, m: Pick<RuleMatch, "peerIndex" | "portIndex" | "path" | "icmp">): RuleRef {
  return {
    ...ref,
    ...(m.peerIndex === undefined ? {} : { peerIndex: m.peerIndex }),
    ...(m.portIndex === undefined ? {} : { portIndex: m.portIndex }),
    ...(m.path === undefined ? {} : { path: m.path }),
    ...(m.icmp === undefined ? {} : { icmp: m.icmp }),
  };
}

function uniquePolicies(sections: readonly PolicySection[]): PolicyId[] {
  const seen = new Set<PolicyId>();
  for (const s of sections) seen.add(s.policy);
  return [...seen];
}

/** Sections whose subject selector matches the label set, memoised per label set. */
function sectionsFor(model: PolicyModel, labels: PreparedLabels, direction: Direction): SubjectSections {
  const cached = labels.sections[direction];
  if (cached !== undefined) return cached;
  const candidates = [...(labels.namespace === undefined ? [] : (model.byNamespace.get(labels.namespace) ?? [])), ...model.clusterwide];
  const out = candidates.filter((s) => {
    if (s.direction !== direction || s.subject === undefined) return false;
    let hit = labels.selectorMatches.get(s.subject.id);
    if (hit === undefined) {
      hit = selectorMatches(s.subject, labels.index);
      labels.selectorMatches.set(s.subject.id, hit);
    }
    return hit;
  });
  const requires = out.flatMap((section) =>
    section.allow.concat(section.deny).flatMap((rule) => rule.unsupported.filter((u) => isRequires(u.construct)).map((piece) => ({ section, piece }))),
  );
  const facts: SubjectSections = { sections: out, isolatedBy: uniquePolicies(out.filter((x) => x.defaultDeny)), requires, needs: needsOf(out) };
  labels.sections[direction] = facts;
  return facts;
}
