import { createPolicyView } from "../audit/index.js";
import type { PolicyView } from "../audit/index.js";
import { compilePolicyModel, formatPolicyId, parsePolicyDocuments } from "../policy/index.js";
import type { ParsedPolicies, PolicyId, SemanticsName, SourceDocument } from "../policy/index.js";

/** Where the daemon's policy model comes from. */
export type PolicyOrigin = "kubernetes" | "files";

/** The policy model the daemon holds at one moment: parsed, compiled, ready to evaluate. */
export interface PolicySnapshot {
  readonly origin: PolicyOrigin;
  readonly parsed: ParsedPolicies;
  readonly view: PolicyView;
  readonly loadedAtMs: number;
  /** Files or documents that could not be read at all (beyond the parser's problems). */
  readonly sourceProblems: number;
}

/** Parses and compiles a full set of policy documents into a snapshot. */
export function policySnapshotOf(
  documents: readonly SourceDocument[],
  options: { readonly origin: PolicyOrigin; readonly semantics: SemanticsName; readonly nowMs: number; readonly sourceProblems: number },
): PolicySnapshot {
  return snapshotOfParsed(parsePolicyDocuments(documents), options);
}

/** Compiles parsed policies into a snapshot (the analysis thread rebuilds the main thread's snapshot this way). */
export function snapshotOfParsed(
  parsed: ParsedPolicies,
  options: { readonly origin: PolicyOrigin; readonly semantics: SemanticsName; readonly nowMs: number; readonly sourceProblems: number },
): PolicySnapshot {
  return {
    origin: options.origin, parsed, view: createPolicyView(compilePolicyModel(parsed), { semantics: options.semantics }),
    loadedAtMs: options.nowMs, sourceProblems: options.sourceProblems,
  };
}

/** Policy counts and problems of a snapshot, as the status endpoint reports them. */
export interface PolicyCounts {
  readonly origin: PolicyOrigin;
  readonly loadedAtMs: number;
  readonly networkPolicies: number;
  readonly ciliumNetworkPolicies: number;
  readonly ciliumClusterwideNetworkPolicies: number;
  readonly namespaces: number;
  readonly pods: number;
  readonly problems: number;
  /** Unsupported constructs (toServices, toRequires, …) with how many policies use each. */
  readonly unsupported: Readonly<Record<string, number>>;
}

/** Counts a snapshot's objects, problems and unsupported constructs. */
export function policyCounts(snapshot: PolicySnapshot): PolicyCounts {
  const { parsed } = snapshot;
  // Each construct counts the policies using it (a policy using it twice counts once).
  const users = new Map<string, Set<string>>();
  const note = (construct: string, policy: PolicyId): void => {
    const set = users.get(construct) ?? new Set<string>();
    set.add(formatPolicyId(policy));
    users.set(construct, set);
  };
  for (const section of snapshot.view.model.sections) {
    for (const rule of [...section.allow, ...section.deny]) {
      for (const piece of rule.unsupported) note(piece.construct, section.policy);
      for (const peer of rule.peers ?? []) if (peer.kind === "unsupported") note(peer.construct, section.policy);
      for (const port of rule.ports ?? []) if (port.l7?.kind === "unsupported") note(port.l7.construct, section.policy);
    }
  }
  for (const section of snapshot.view.model.hostPolicies) note("nodeSelector", section.policy);
  const unsupported = Object.fromEntries([...users].sort(([a], [b]) => a.localeCompare(b)).map(([c, set]) => [c, set.size]));
  const cilium = parsed.ciliumPolicies;
  return {
    origin: snapshot.origin, loadedAtMs: snapshot.loadedAtMs,
    networkPolicies: parsed.networkPolicies.length,
    ciliumNetworkPolicies: cilium.filter((p) => p.id.kind === "CiliumNetworkPolicy").length,
    ciliumClusterwideNetworkPolicies: cilium.filter((p) => p.id.kind === "CiliumClusterwideNetworkPolicy").length,
    namespaces: parsed.namespaces.length, pods: parsed.pods.length,
    problems: parsed.problems.length + snapshot.sourceProblems,
    unsupported,
  };
}
