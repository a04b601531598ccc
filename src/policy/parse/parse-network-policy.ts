import { cidrWithin, parseCidr, type Cidr } from "../cidr.js";
import type {
  NetworkPolicyPeerSpec,
  NetworkPolicyPortSpec,
  NetworkPolicyRuleSpec,
  NetworkPolicySpec,
} from "../spec/network-policy.js";
import type { Direction, NetworkPolicyProtocol } from "../spec/policy-id.js";
import { parseLabelSelector } from "./parse-label-selector.js";
import { readEndPort, readPort } from "./parse-port.js";
import { get, isObject, join, type JsonObject, type Reader } from "./reader.js";

const PROTOCOLS: readonly NetworkPolicyProtocol[] = ["TCP", "UDP", "SCTP"];

/** Effect of a problem that makes the whole policy unusable. */
export const NETWORK_POLICY_IGNORED = "policy ignored: it isolates no pod and allows nothing";

/**
 * Parses a networking.k8s.io/v1 NetworkPolicy whose metadata was already read.
 * A bad rule is dropped with a problem; the rest of the policy still loads. Dropping an
 * allow rule can only make the model stricter, and the problem says so.
 */
export function parseNetworkPolicy(
  reader: Reader,
  obj: JsonObject,
  meta: { readonly namespace: string; readonly name: string },
): NetworkPolicySpec | undefined {
  const start = reader.problems.length;
  const spec = reader.object(obj, "spec", "");
  if (spec === undefined) {
    reader.report("spec", "spec is required");
    reader.setEffectSince(start, NETWORK_POLICY_IGNORED);
    return undefined;
  }
  const podSelector = parseLabelSelector(reader, get(spec, "podSelector") ?? {}, "spec.podSelector");
  if (podSelector === undefined) {
    // Guessing which pods a broken selector meant could isolate the wrong ones.
    reader.setEffectSince(start, NETWORK_POLICY_IGNORED);
    return undefined;
  }
  const ingress = parseRules(reader, spec, "ingress");
  const egress = parseRules(reader, spec, "egress");
  const written = reader.list(spec, "policyTypes", "spec");
  let policyTypes: Direction[];
  if (written === undefined) {
    // API defaulting: Ingress always; Egress when there is at least one egress rule.
    policyTypes = egress.rules.length > 0 || egress.dropped ? ["ingress", "egress"] : ["ingress"];
  } else {
    policyTypes = [];
    written.forEach((t, i) => {
      if (t === "Ingress") policyTypes.push("ingress");
      else if (t === "Egress") policyTypes.push("egress");
      else {
        const before = reader.problems.length;
        reader.report(`spec.policyTypes[${i}]`, `unknown policy type ${JSON.stringify(t)} (want Ingress or Egress)`);
        reader.setEffectSince(before, "entry ignored");
      }
    });
  }
  return {
    origin: reader.subject.origin,
    id: { kind: "NetworkPolicy", namespace: meta.namespace, name: meta.name },
    podSelector,
    policyTypes: [...new Set(policyTypes)],
    policyTypesExplicit: written !== undefined,
    ingress: ingress.rules,
    egress: egress.rules,
  };
}

function parseRules(
  reader: Reader,
  spec: JsonObject,
  direction: "ingress" | "egress",
): { rules: NetworkPolicyRuleSpec[]; dropped: boolean } {
  const list = reader.list(spec, direction, "spec") ?? [];
  const rules: NetworkPolicyRuleSpec[] = [];
  let dropped = false;
  list.forEach((item, i) => {
    const path = `spec.${direction}[${i}]`;
    const before = reader.problems.length;
    const rule = isObject(item) ? parseRule(reader, item, { path, index: i }, direction) : undefined;
    if (!isObject(item)) reader.report(path, "must be an object");
    if (rule === undefined || reader.problems.length > before) {
      // Dropping a bad allow rule only makes the model stricter; the problem says so.
      reader.setEffectSince(before, `rule ${path} ignored: the policy allows less than written`);
      dropped = true;
      return;
    }
    rules.push(rule);
  });
  return { rules, dropped };
}

function parseRule(
  reader: Reader,
  item: JsonObject,
  at: { readonly path: string; readonly index: number },
  direction: Direction,
): NetworkPolicyRuleSpec | undefined {
  const { path, index } = at;
  const peerKey = direction === "ingress" ? "from" : "to";
  const peerList = reader.list(item, peerKey, path);
  const portList = reader.list(item, "ports", path);
  const peers = peerList?.map((p, j) => parsePeer(reader, p, join(join(path, peerKey), j)));
  const ports = portList?.map((p, j) => parsePort(reader, p, join(join(path, "ports"), j)));
  if (peers?.some((p) => p === undefined) === true || ports?.some((p) => p === undefined) === true) return undefined;
  return {
    index,
    peers: peers?.filter((p): p is NetworkPolicyPeerSpec => p !== undefined),
    ports: ports?.filter((p): p is NetworkPolicyPortSpec => p !== undefined),
  };
}

function parsePeer(reader: Reader, value: unknown, path: string): NetworkPolicyPeerSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const pod = get(value, "podSelector");
  const ns = get(value, "namespaceSelector");
  const block = reader.object(value, "ipBlock", path);
  const hasPod = pod !== undefined && pod !== null;
  const hasNs = ns !== undefined && ns !== null;
  if (block !== undefined) {
    if (hasPod || hasNs) {
      reader.report(path, "ipBlock may not be combined with podSelector or namespaceSelector");
      return undefined;
    }
    return parseIpBlock(reader, block, join(path, "ipBlock"));
  }
  if (!hasPod && !hasNs) {
    reader.report(path, "peer must set podSelector, namespaceSelector or ipBlock");
    return undefined;
  }
  const podSelector = hasPod ? parseLabelSelector(reader, pod, join(path, "podSelector")) : undefined;
  const namespaceSelector = hasNs ? parseLabelSelector(reader, ns, join(path, "namespaceSelector")) : undefined;
  if ((hasPod && podSelector === undefined) || (hasNs && namespaceSelector === undefined)) return undefined;
  return { kind: "selector", podSelector, namespaceSelector };
}

function parseIpBlock(reader: Reader, block: JsonObject, path: string): NetworkPolicyPeerSpec | undefined {
  const text = reader.string(block, "cidr", path);
  if (text === undefined) {
    reader.report(join(path, "cidr"), "cidr is required");
    return undefined;
  }
  const cidr = parseCidr(text);
  if (cidr === undefined) {
    reader.report(join(path, "cidr"), `"${text}" is not a valid CIDR`);
    return undefined;
  }
  const except: Cidr[] = [];
  const state = { ok: true };
  (reader.list(block, "except", path) ?? []).forEach((e, i) => {
    const p = join(join(path, "except"), i);
    const parsed = typeof e === "string" ? parseCidr(e) : undefined;
    if (parsed === undefined) {
      reader.report(p, `${JSON.stringify(e)} is not a valid CIDR`);
      state.ok = false;
    } else if (!cidrWithin(parsed, cidr) || parsed.bits === cidr.bits) {
      // networking/v1 validation: each except must be a strict subset of cidr.
      reader.report(p, `${parsed.text} is not a strict subset of ${cidr.text}`);
      state.ok = false;
    } else except.push(parsed);
  });
  return state.ok ? { kind: "ipBlock", cidr, except } : undefined;
}

function parsePort(reader: Reader, value: unknown, path: string): NetworkPolicyPortSpec | undefined {
  if (!isObject(value)) {
    reader.report(path, "must be an object");
    return undefined;
  }
  const protocolText = reader.string(value, "protocol", path) ?? "TCP";
  const protocol = PROTOCOLS.find((p) => p === protocolText);
  if (protocol === undefined) {
    reader.report(join(path, "protocol"), `unsupported protocol "${protocolText}" (want TCP, UDP or SCTP)`);
    return undefined;
  }
  const port = readPort(reader, get(value, "port"), join(path, "port"), { allowNumericString: false, min: 1 });
  if (port === null) return undefined;
  const endPort = readEndPort(reader, get(value, "endPort"), port, join(path, "endPort"), false);
  if (endPort === null) return undefined;
  return { protocol, port, endPort };
}
