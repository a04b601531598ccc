import type { CiliumPeerRuleSpec, CiliumPolicySpec, CiliumRuleSpec } from "../spec/cilium-policy.js";
import type { Direction } from "../spec/policy-id.js";
import { parseCiliumPeerRule } from "./parse-cilium-peer-rule.js";
import { parseLabelSelector } from "./parse-label-selector.js";
import { get, isObject, join, type JsonObject, type Reader } from "./reader.js";

/** Upper bound on `specs` entries per object. */
const MAX_SPECS = 1000;

/**
 * Parses a CiliumNetworkPolicy (namespace set) or CiliumClusterwideNetworkPolicy
 * (namespace undefined): `spec` and/or `specs`. A bad rule entry is dropped with a
 * problem; a spec whose selector is unusable is dropped entirely.
 */
export function parseCiliumPolicy(
  reader: Reader,
  obj: JsonObject,
  meta: { readonly namespace: string | undefined; readonly name: string },
): CiliumPolicySpec | undefined {
  const kind: CiliumPolicySpec["id"]["kind"] =
    meta.namespace === undefined ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy";
  const rules: CiliumRuleSpec[] = [];
  const spec = reader.object(obj, "spec", "");
  const specs = reader.list(obj, "specs", "");
  if (spec === undefined && specs === undefined) {
    reader.report("spec", "spec or specs is required");
    return undefined;
  }
  if (spec !== undefined) {
    const rule = parseRule(reader, spec, "spec", meta.namespace);
    if (rule !== undefined) rules.push(rule);
  }
  if (specs !== undefined && specs.length > MAX_SPECS) reader.report("specs", `more than ${MAX_SPECS} entries`);
  specs?.slice(0, MAX_SPECS).forEach((s, i) => {
    const path = `specs[${i}]`;
    if (!isObject(s)) {
      reader.report(path, "must be an object");
      return;
    }
    const rule = parseRule(reader, s, path, meta.namespace);
    if (rule !== undefined) rules.push(rule);
  });
  const id = meta.namespace === undefined ? { kind, name: meta.name } : { kind, namespace: meta.namespace, name: meta.name };
  return { origin: reader.subject.origin, id, rules };
}

function parseRule(reader: Reader, spec: JsonObject, path: string, namespace: string | undefined): CiliumRuleSpec | undefined {
  const start = reader.problems.length;
  const rule = parseRuleBody(reader, spec, path, namespace);
  // Which endpoints a broken selector meant is unknown, so the whole rule is left out.
  if (rule === undefined) reader.setEffectSince(start, `rule ${path} ignored: its allows, denies and default deny do not apply`);
  return rule;
}

function parseRuleBody(reader: Reader, spec: JsonObject, path: string, namespace: string | undefined): CiliumRuleSpec | undefined {
  const es = get(spec, "endpointSelector");
  const ns = get(spec, "nodeSelector");
  const hasEs = es !== undefined && es !== null;
  const hasNs = ns !== undefined && ns !== null;
  if (hasEs === hasNs) {
    reader.report(path, "set exactly one of endpointSelector or nodeSelector");
    return undefined;
  }
  if (hasNs && namespace !== undefined) {
    reader.report(join(path, "nodeSelector"), "nodeSelector is only allowed in CiliumClusterwideNetworkPolicy");
    return undefined;
  }
  const endpointSelector = hasEs ? parseLabelSelector(reader, es, join(path, "endpointSelector")) : undefined;
  const nodeSelector = hasNs ? parseLabelSelector(reader, ns, join(path, "nodeSelector")) : undefined;
  if (endpointSelector === undefined && nodeSelector === undefined) return undefined;
  const dd = reader.object(spec, "enableDefaultDeny", path);
  const ddIngress = dd === undefined ? undefined : reader.boolean(dd, "ingress", join(path, "enableDefaultDeny"));
  const ddEgress = dd === undefined ? undefined : reader.boolean(dd, "egress", join(path, "enableDefaultDeny"));
  return {
    path,
    endpointSelector,
    nodeSelector,
    ingress: section(reader, spec, path, "ingress", false),
    ingressDeny: section(reader, spec, path, "ingress", true),
    egress: section(reader, spec, path, "egress", false),
    egressDeny: section(reader, spec, path, "egress", true),
    enableDefaultDeny: {
      ...(ddIngress === undefined ? {} : { ingress: ddIngress }),
      ...(ddEgress === undefined ? {} : { egress: ddEgress }),
    },
    writtenEntries: { ingress: written(spec, "ingress"), egress: written(spec, "egress") },
  };
}

function written(spec: JsonObject, direction: Direction): number {
  const count = (key: string): number => {
    const v = get(spec, key);
    return Array.isArray(v) ? v.length : 0;
  };
  return count(direction) + count(`${direction}Deny`);
}

function section(
  reader: Reader,
  spec: JsonObject,
  path: string,
  direction: Direction,
  deny: boolean,
): CiliumPeerRuleSpec[] | undefined {
  const key = deny ? `${direction}Deny` : direction;
  const list = reader.list(spec, key, path);
  if (list === undefined) return undefined;
  const out: CiliumPeerRuleSpec[] = [];
  list.forEach((item, i) => {
    const before = reader.problems.length;
    const entry = join(join(path, key), i);
    const rule = parseCiliumPeerRule(reader, item, entry, { direction, deny, index: i });
    if (rule !== undefined) out.push(rule);
    else if (deny) reader.setEffectSince(before, `deny entry ${entry} ignored: the model denies less than written`);
    else reader.setEffectSince(before, `entry ${entry} ignored: the model allows less than written; default deny still applies`);
  });
  return out;
}
