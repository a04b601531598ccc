import { dns1123LabelProblem, dns1123SubdomainProblem, quoted } from "../../flows/index.js";
import type { IgnoredObject, PolicyProblem } from "../problem.js";
import type { SourceDocument, SourceOrigin } from "../source-document.js";
import type { CiliumPolicySpec } from "../spec/cilium-policy.js";
import type { NamespaceSpec, PodSpec } from "../spec/inventory.js";
import type { NetworkPolicySpec } from "../spec/network-policy.js";
import { checkBounds, DEFAULT_BOUNDS, type DocumentBounds } from "./bounds.js";
import { parseCiliumPolicy } from "./parse-cilium-policy.js";
import { parseNamespace, parsePod } from "./parse-inventory.js";
import { parseNetworkPolicy } from "./parse-network-policy.js";
import { get, isObject, type JsonObject, Reader } from "./reader.js";

/** Everything read from a set of documents. */
export interface ParsedPolicies {
  readonly networkPolicies: readonly NetworkPolicySpec[];
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy. */
  readonly ciliumPolicies: readonly CiliumPolicySpec[];
  readonly namespaces: readonly NamespaceSpec[];
  readonly pods: readonly PodSpec[];
  readonly problems: readonly PolicyProblem[];
  readonly ignored: readonly IgnoredObject[];
}

/** Options for {@link parsePolicyDocuments}. */
export interface ParseOptions {
  /** Namespace for namespaced objects that name none (as `kubectl apply` would); default "default". */
  readonly defaultNamespace?: string;
  /** Size limits; `undefined` uses {@link DEFAULT_BOUNDS}. */
  readonly bounds?: DocumentBounds;
}

const API_VERSIONS: Readonly<Record<string, string>> = {
  NetworkPolicy: "networking.k8s.io/v1",
  CiliumNetworkPolicy: "cilium.io/v2",
  CiliumClusterwideNetworkPolicy: "cilium.io/v2",
  Namespace: "v1",
  Pod: "v1",
};

interface Sink {
  readonly np: Map<string, NetworkPolicySpec>;
  readonly cnp: Map<string, CiliumPolicySpec>;
  readonly ns: Map<string, NamespaceSpec>;
  readonly pods: Map<string, PodSpec>;
  readonly problems: PolicyProblem[];
  readonly ignored: IgnoredObject[];
}

/**
 * Turns untrusted decoded documents into typed specs. Never throws on bad input: every
 * invalid field becomes a problem naming file, document, object and field path, and the
 * other objects (and the valid parts of a policy) still load. `List` kinds are unwrapped.
 * A later object with the same kind/namespace/name replaces an earlier one.
 */
export function parsePolicyDocuments(docs: readonly SourceDocument[], options: ParseOptions = {}): ParsedPolicies {
  const sink: Sink = { np: new Map(), cnp: new Map(), ns: new Map(), pods: new Map(), problems: [], ignored: [] };
  const bounds = options.bounds ?? DEFAULT_BOUNDS;
  const defaultNamespace = options.defaultNamespace ?? "default";
  for (const doc of docs) {
    if (doc.object === null || doc.object === undefined) continue; // empty YAML document
    const tooBig = checkBounds(doc.object, bounds);
    if (tooBig !== undefined) {
      sink.problems.push({ origin: doc.origin, path: "", message: tooBig });
      continue;
    }
    if (!isObject(doc.object)) {
      sink.problems.push({ origin: doc.origin, path: "", message: "document is not an object" });
      continue;
    }
    const kind = get(doc.object, "kind");
    const items = get(doc.object, "items");
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(items)) {
      (items as readonly unknown[]).forEach((item, i) => {
        parseObject(item, { origin: doc.origin, prefix: `items[${i}]`, defaultNamespace }, sink);
      });
    } else parseObject(doc.object, { origin: doc.origin, prefix: "", defaultNamespace }, sink);
  }
  return {
    networkPolicies: [...sink.np.values()],
    ciliumPolicies: [...sink.cnp.values()],
    namespaces: [...sink.ns.values()],
    pods: [...sink.pods.values()],
    problems: sink.problems,
    ignored: sink.ignored,
  };
}

interface At {
  readonly origin: SourceOrigin;
  readonly prefix: string;
  readonly defaultNamespace: string;
}

function parseObject(value: unknown, at: At, sink: Sink): void {
  const reader = new Reader({ origin: at.origin }, at.prefix);
  const done = (): void => {
    sink.problems.push(...reader.problems);
  };
  if (!isObject(value)) {
    reader.report("", "object expected");
    done();
    return;
  }
  const kind = get(value, "kind");
  const metadata = isObject(get(value, "metadata")) ? (get(value, "metadata") as JsonObject) : {};
  const name = get(metadata, "name");
  if (typeof kind !== "string" || kind === "") {
    reader.report("kind", "kind is required");
    done();
    return;
  }
  reader.subject.kind = kind;
  if (typeof name === "string") reader.subject.name = name;
  const apiVersion = API_VERSIONS[kind];
  if (apiVersion === undefined) {
    sink.ignored.push({ origin: at.origin, kind, ...(typeof name === "string" ? { name } : {}), note: `kind ${kind} is not used by the policy model` });
    return;
  }
  if (get(value, "apiVersion") !== apiVersion) {
    reader.report("apiVersion", `${kind} must be ${apiVersion}, got ${JSON.stringify(get(value, "apiVersion") ?? null)}`);
    done();
    return;
  }
  if (typeof name !== "string" || name === "") {
    reader.report("metadata.name", "name is required");
    done();
    return;
  }
  // The API server's object-name rules (ValidateObjectMeta): a Namespace's name is a DNS-1123
  // label, other names (NetworkPolicy, Pod, and custom resources such as Cilium's policies) are
  // DNS-1123 subdomains, and a namespaced object's namespace is a DNS-1123 label. An object that
  // breaks them could not exist in a cluster; it is refused, so that no such name reaches a
  // finding, a diff or a file path.
  const nameProblem = kind === "Namespace" ? dns1123LabelProblem(name) : dns1123SubdomainProblem(name);
  if (nameProblem !== undefined) {
    reader.report("metadata.name", `${quoted(name)} is not a valid ${kind} name (${nameProblem})`);
    done();
    return;
  }
  const ns = get(metadata, "namespace");
  const namespace = typeof ns === "string" && ns !== "" ? ns : at.defaultNamespace;
  const namespaced = kind !== "Namespace" && kind !== "CiliumClusterwideNetworkPolicy";
  const namespaceProblem = namespaced ? dns1123LabelProblem(namespace) : undefined;
  if (namespaceProblem !== undefined) {
    reader.report("metadata.namespace", `${quoted(namespace)} is not a valid namespace name (${namespaceProblem})`);
    done();
    return;
  }
  if (namespaced) reader.subject.namespace = namespace;
  const key = `${kind}/${kind === "Namespace" || kind === "CiliumClusterwideNetworkPolicy" ? "" : namespace}/${name}`;
  const replaced = (map: Map<string, unknown>): void => {
    if (map.has(key)) reader.report("", "defined again; this definition replaces the earlier one");
  };
  switch (kind) {
    case "NetworkPolicy": {
      const spec = parseNetworkPolicy(reader, value, { namespace, name });
      if (spec !== undefined) {
        replaced(sink.np);
        sink.np.set(key, spec);
      }
      break;
    }
    case "CiliumNetworkPolicy":
    case "CiliumClusterwideNetworkPolicy": {
      const spec = parseCiliumPolicy(reader, value, { namespace: kind === "CiliumNetworkPolicy" ? namespace : undefined, name });
      if (spec !== undefined) {
        replaced(sink.cnp);
        sink.cnp.set(key, spec);
      }
      break;
    }
    case "Namespace":
      replaced(sink.ns);
      sink.ns.set(key, parseNamespace(reader, value, name));
      break;
    case "Pod":
      replaced(sink.pods);
      sink.pods.set(key, parsePod(reader, value, { namespace, name }));
      break;
  }
  done();
}
