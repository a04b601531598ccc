import { anchoredRegExp } from "../regex.js";
import type { FullMatch } from "../regex.js";
import type { CiliumPeerRuleSpec, CiliumPolicySpec, CiliumRuleSpec, HttpRuleSpec, IcmpRuleSpec, L7RulesSpec } from "../spec/cilium-policy.js";
import type { LabelSelectorSpec } from "../spec/label-selector.js";
import type { Direction } from "../spec/policy-id.js";
import type { CompiledL7, CompiledPeer, CompiledPort, CompiledRule, PolicySection } from "./model.js";
import { compileNameMatcher } from "./name-matcher.js";
import { equals, exists, NAMESPACE_KEY, requirementsOf, type SelectorFactory } from "./selector.js";

/** What an unusable expression (reported when parsing) matches: nothing. */
const NEVER: FullMatch = { test: () => false };

/**
 * Compiles a CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy: one section per rule
 * (`spec`, `specs[i]`) and direction that has allow or deny entries.
 *
 * Cilium semantics encoded here (docs: security/policy/language, kubernetes; and the
 * CRD field docs):
 * - a namespaced policy's endpointSelector always applies in the policy's namespace;
 * - peer endpoint selectors without a namespace label are limited to the policy's
 *   namespace (CNP) or to endpoints that have a namespace, i.e. pods (CCNP); selectors
 *   on `reserved:` labels are left alone;
 * - `enableDefaultDeny.<dir>` defaults to true when the rule has allow or deny entries
 *   for that direction (counting entries that failed to parse); without entries the
 *   direction is untouched, whatever enableDefaultDeny says;
 * - an entry with no L3 field but with toPorts or icmps allows those ports or ICMP types
 *   from/to any peer (pkg/policy/rule.go mergeIngress / mergeEgress put the wildcard
 *   selector in for each toPorts and each icmps entry); an entry with neither (`- {}`)
 *   allows nothing (it only enables default deny). An ICMP-only entry is an entry like any
 *   other, so it enables default deny for its direction too: "if any ICMP policy is
 *   specified, layer 4 and ICMP communication will be blocked unless it's related to a
 *   connection that is otherwise allowed" (docs: security/policy/layer4);
 * - an L3 field with toPorts or icmps needs both to match (one L4 filter per port or
 *   ICMP type, carrying the rule's peer selectors).
 */
export function compileCiliumPolicy(policy: CiliumPolicySpec, selectors: SelectorFactory): PolicySection[] {
  const out: PolicySection[] = [];
  for (const rule of policy.rules) {
    for (const direction of ["ingress", "egress"] as const) {
      const allow = direction === "ingress" ? rule.ingress : rule.egress;
      const deny = direction === "ingress" ? rule.ingressDeny : rule.egressDeny;
      // Cilium (repository policy computation): a rule affects a direction only when it has
      // ingress/ingressDeny (egress/egressDeny) entries; enableDefaultDeny alone does nothing.
      if (rule.writtenEntries[direction] === 0) continue;
      out.push({
        policy: policy.id,
        direction,
        path: rule.path,
        subject: subjectSelector(policy, rule, selectors),
        namespace: policy.id.namespace,
        defaultDeny: rule.enableDefaultDeny[direction] ?? true,
        allow: (allow ?? []).map((r) => compileEntry(policy, rule, r, { direction, action: "allow", selectors })),
        deny: (deny ?? []).map((r) => compileEntry(policy, rule, r, { direction, action: "deny", selectors })),
      });
    }
  }
  return out;
}

function subjectSelector(policy: CiliumPolicySpec, rule: CiliumRuleSpec, selectors: SelectorFactory) {
  if (rule.endpointSelector === undefined) return undefined;
  const ns = policy.id.namespace;
  if (ns === undefined || hasKey(rule.endpointSelector, (k) => k === "reserved:init")) return selectors.make(rule.endpointSelector, "");
  return selectors.make(rule.endpointSelector, "", [equals("k8s", NAMESPACE_KEY, ns)]);
}

function hasKey(selector: LabelSelectorSpec, test: (key: string) => boolean): boolean {
  return selector.matchLabels.some(([k]) => test(k)) || selector.matchExpressions.some((e) => test(e.key));
}

interface EntryContext {
  readonly direction: Direction;
  readonly action: "allow" | "deny";
  readonly selectors: SelectorFactory;
}

function compileEntry(policy: CiliumPolicySpec, rule: CiliumRuleSpec, entry: CiliumPeerRuleSpec, ctx: EntryContext): CompiledRule {
  const peers: CompiledPeer[] = [];
  const initSubject = rule.endpointSelector !== undefined && hasKey(rule.endpointSelector, (k) => k === "reserved:init");
  for (const { path, selector } of entry.endpoints ?? []) {
    const reserved = hasKey(selector, (k) => k.startsWith("reserved:"));
    const namesNamespace = hasKey(selector, (k) => k === `k8s:${NAMESPACE_KEY}` || k === NAMESPACE_KEY || k === `any:${NAMESPACE_KEY}`);
    const ns = policy.id.namespace;
    const extra =
      reserved || namesNamespace || initSubject ? [] : ns === undefined ? [exists("k8s", NAMESPACE_KEY)] : [equals("k8s", NAMESPACE_KEY, ns)];
    peers.push({ kind: "selector", index: peers.length, path, selector: ctx.selectors.fromRequirements([...requirementsOf(selector, ""), ...extra]) });
  }
  for (const { path, entity } of entry.entities ?? []) peers.push({ kind: "entity", index: peers.length, path, entity });
  for (const { path, cidr, except } of entry.cidrs ?? []) peers.push({ kind: "cidr", index: peers.length, path, cidr, except, from: "cilium" });
  for (const f of entry.fqdns ?? []) peers.push({ kind: "fqdn", index: peers.length, path: f.path, matcher: compileNameMatcher(f) });
  for (const u of entry.unsupportedPeers) peers.push({ kind: "unsupported", index: peers.length, path: u.path, construct: u.construct });
  const noL3 = peers.length === 0;
  const ports = compilePorts(entry);
  // `- {}` (no L3, no L4) selects nothing; no L3 with toPorts means any peer.
  const anyPeer = noL3 && ports !== undefined;
  return {
    ref: { policy: policy.id, direction: ctx.direction, action: ctx.action, ruleIndex: entry.index, path: entry.path },
    peers: anyPeer ? undefined : peers,
    ports,
    unsupported: entry.unsupportedConstraints,
  };
}

function compilePorts(entry: CiliumPeerRuleSpec): CompiledPort[] | undefined {
  // Parsing guarantees icmps never comes with a non-empty toPorts (Cilium rejects that).
  if (entry.icmps !== undefined) return compileIcmps(entry.icmps);
  if (entry.toPorts === undefined || entry.toPorts.length === 0) return undefined;
  const out: CompiledPort[] = [];
  for (const pr of entry.toPorts) {
    const l7 = pr.l7 === undefined ? undefined : compileL7(pr.l7);
    const base = { fromNetworkPolicy: false, ...(l7 === undefined ? {} : { l7 }) };
    if (pr.ports.length === 0) out.push({ index: out.length, path: pr.path, protocol: "ANY", ...base });
    for (const p of pr.ports) {
      out.push({
        index: out.length,
        path: p.path,
        protocol: p.protocol,
        ...base,
        ...(typeof p.port === "number" ? { port: p.port } : {}),
        ...(typeof p.port === "string" ? { name: p.port } : {}),
        ...(p.endPort === undefined ? {} : { endPort: p.endPort }),
      });
    }
  }
  return out;
}

/**
 * ICMP fields become ICMP ports whose port is the ICMP type, as Cilium translates them
 * (pkg/policy/api/icmp.go ICMPField.PortProtocol: family IPv6 → ICMPv6, else ICMP; the
 * type code as the port); the datapath then looks the packet's ICMP type up as the port
 * (bpf/lib/policy.h). Fields of all entries are alternatives, in order. An entry without
 * fields adds none, so `icmps: [{}]` admits nothing.
 */
function compileIcmps(icmps: readonly IcmpRuleSpec[]): CompiledPort[] {
  const out: CompiledPort[] = [];
  for (const rule of icmps) {
    for (const f of rule.fields) {
      out.push({ index: out.length, path: f.path, protocol: f.family === "IPv6" ? "ICMPv6" : "ICMP", port: f.type, fromNetworkPolicy: false });
    }
  }
  return out;
}

/** An HTTP rule in words; absent fields match every value. */
function httpRuleText(r: HttpRuleSpec): string {
  const parts = [r.method ?? "any method", r.urlPath ?? "any path"];
  if (r.host !== undefined) parts.push(`host=${r.host}`);
  for (const h of r.headers) parts.push(h.value === undefined ? `header ${h.name}` : `header ${h.name}: ${h.value}`);
  return parts.join(" ");
}

function compileL7(spec: L7RulesSpec): CompiledL7 {
  switch (spec.kind) {
    case "http":
      return {
        kind: "http",
        path: spec.path,
        rules: spec.rules.map((r) => ({
          path: r.path,
          text: httpRuleText(r),
          ...(r.method === undefined ? {} : { method: anchoredRegExp(r.method) ?? NEVER }),
          ...(r.urlPath === undefined ? {} : { urlPath: anchoredRegExp(r.urlPath) ?? NEVER }),
          ...(r.host === undefined ? {} : { host: anchoredRegExp(r.host) ?? NEVER }),
          headers: r.headers,
          unsupported: r.unsupported,
        })),
      };
    case "dns":
      return { kind: "dns", path: spec.path, rules: spec.rules.map((r) => ({ ...compileNameMatcher(r), path: r.path })) };
    case "unsupported":
      return spec;
    default: {
      const never: never = spec;
      throw new Error(`unknown L7 kind ${JSON.stringify(never)}`);
    }
  }
}
