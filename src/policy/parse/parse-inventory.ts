import type { NamedPort, NamespaceSpec, OwnerRef, PodSpec } from "../spec/inventory.js";
import type { NetworkPolicyProtocol } from "../spec/policy-id.js";
import { isPortName, isPortNumber } from "./parse-port.js";
import { get, isObject, join, type JsonObject, type Reader } from "./reader.js";

/** Parses a v1 Namespace: name and labels. */
export function parseNamespace(reader: Reader, obj: JsonObject, name: string): NamespaceSpec {
  const metadata = reader.object(obj, "metadata", "") ?? {};
  return { origin: reader.subject.origin, name, labels: reader.stringMap(metadata, "labels", "metadata") ?? [] };
}

/**
 * Parses a v1 Pod: labels, `status.podIPs`, named container ports (init containers too,
 * since Kubernetes resolves named ports over all of them), owners and hostNetwork.
 */
export function parsePod(reader: Reader, obj: JsonObject, meta: { readonly namespace: string; readonly name: string }): PodSpec {
  const metadata = reader.object(obj, "metadata", "") ?? {};
  const spec = reader.object(obj, "spec", "") ?? {};
  const status = reader.object(obj, "status", "") ?? {};
  const ips = new Set<string>();
  const podIp = reader.string(status, "podIP", "status");
  if (podIp !== undefined && podIp !== "") ips.add(podIp);
  (reader.list(status, "podIPs", "status") ?? []).forEach((entry) => {
    const ip = isObject(entry) ? get(entry, "ip") : undefined;
    if (typeof ip === "string" && ip !== "") ips.add(ip);
  });
  const namedPorts: NamedPort[] = [];
  for (const key of ["containers", "initContainers"]) {
    (reader.list(spec, key, "spec") ?? []).forEach((c, i) => {
      if (!isObject(c)) return;
      const base = join(join("spec", key), i);
      (reader.list(c, "ports", base) ?? []).forEach((p, j) => {
        const parsed = isObject(p) ? namedPort(reader, p, join(join(base, "ports"), j)) : undefined;
        if (parsed !== undefined) namedPorts.push(parsed);
      });
    });
  }
  const owners: OwnerRef[] = [];
  (reader.list(metadata, "ownerReferences", "metadata") ?? []).forEach((o) => {
    if (!isObject(o)) return;
    const kind = get(o, "kind");
    const name = get(o, "name");
    const controller = get(o, "controller");
    if (typeof kind === "string" && typeof name === "string") {
      owners.push({ kind, name, ...(typeof controller === "boolean" ? { controller } : {}) });
    }
  });
  return {
    origin: reader.subject.origin,
    namespace: meta.namespace,
    name: meta.name,
    labels: reader.stringMap(metadata, "labels", "metadata") ?? [],
    ips: [...ips],
    namedPorts,
    owners,
    hostNetwork: reader.boolean(spec, "hostNetwork", "spec") ?? false,
  };
}

function namedPort(reader: Reader, p: JsonObject, path: string): NamedPort | undefined {
  const name = get(p, "name");
  const port = get(p, "containerPort");
  const protocol = (get(p, "protocol") ?? "TCP") as unknown;
  if (typeof name !== "string" || name === "") return undefined;
  if (!isPortName(name)) {
    reader.report(join(path, "name"), `"${name}" is not a valid port name`);
    return undefined;
  }
  if (typeof port !== "number" || !isPortNumber(port, 1)) {
    reader.report(join(path, "containerPort"), "must be a port number 1-65535");
    return undefined;
  }
  if (protocol !== "TCP" && protocol !== "UDP" && protocol !== "SCTP") {
    reader.report(join(path, "protocol"), `unsupported protocol ${JSON.stringify(protocol)}`);
    return undefined;
  }
  const proto: NetworkPolicyProtocol = protocol;
  return { name, port, protocol: proto };
}
