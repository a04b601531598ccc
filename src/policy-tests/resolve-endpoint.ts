import type { Identity } from "../flows/index.js";
import { resolvePeer, type PolicyView } from "../audit/index.js";
import { cidrContains, parseCidr, parseIp, type PodSpec, type PolicyEndpoint } from "../policy/index.js";
import { cidrEnds } from "./cidr-ends.js";
import type { MatrixEndpoint } from "./matrix.js";

/** Where matrix endpoints are looked up: Pod objects of the policy inputs and, with a graph, observed identities. */
export interface EndpointDirectory {
  readonly pods: readonly PodSpec[];
  readonly view: PolicyView;
  /** Identities observed in the window; `undefined` when no graph was given. */
  readonly identities?: readonly Identity[];
  /** Addresses observed for reserved identities other than world (key → addresses, sorted); `undefined`: none known. */
  readonly addresses?: ReadonlyMap<string, readonly string[]>;
}

/** The endpoints a matrix endpoint is probed as, and the observed identities it stands for. */
export type EndpointResolution =
  | {
      readonly ok: true;
      /** Every one must give the expected verdict. */
      readonly probes: readonly PolicyEndpoint[];
      /** Keys of observed identities this endpoint stands for (for the history checks); empty without a graph. */
      readonly observed: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

/** The most observed identities a `fqdn:` endpoint, or addresses an entity, is probed as. */
const MAX_PROBES = 16;

function withoutDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

function worlds(directory: EndpointDirectory): readonly (Identity & { kind: "reserved" })[] {
  return (directory.identities ?? []).filter((i): i is Identity & { kind: "reserved" } => i.kind === "reserved" && i.entity === "world");
}

/**
 * Turns a matrix endpoint into the endpoints policy sees. Observed identities come first,
 * since their labels, address and DNS names are exactly what Cilium evaluated; then Pod
 * objects. A workload found in neither is an error: its labels are unknown, and a verdict on
 * its namespace alone would be a guess.
 */
export function resolveMatrixEndpoint(endpoint: MatrixEndpoint, directory: EndpointDirectory): EndpointResolution {
  switch (endpoint.kind) {
    case "workload": {
      const text = `${endpoint.namespace}/${endpoint.name}`;
      const peer = resolvePeer(text, { pods: directory.pods, ...(directory.identities === undefined ? {} : { identities: directory.identities }), view: directory.view });
      if (!peer.ok) return peer;
      if (peer.resolvedAs === "namespace-only") {
        const where = directory.identities === undefined
          ? "no Pod object in the policy inputs and no observed traffic to look it up in (give a graph database with --db"
          : "not observed in the window and no Pod object in the policy inputs (widen the window";
        return { ok: false, message: `workload ${text}: ${where}, or write the endpoint as {namespace, labels})` };
      }
      const observed = (directory.identities ?? []).filter((i) => i.kind === "workload" && i.namespace === endpoint.namespace && i.name === endpoint.name).map((i) => i.key);
      return { ok: true, probes: [peer.endpoint], observed };
    }
    case "labels": {
      const labels = endpoint.labels.map(([k, v]) => `k8s:${k}=${v}`);
      const observed = (directory.identities ?? [])
        .filter((i) => i.kind === "workload" && i.namespace === endpoint.namespace && labels.every((l) => i.ciliumLabels.includes(l)))
        .map((i) => i.key);
      return { ok: true, probes: [{ labels: [...labels, `k8s:io.kubernetes.pod.namespace=${endpoint.namespace}`], namespace: endpoint.namespace }], observed };
    }
    case "ip": {
      const seen = worlds(directory).find((i) => i.ip === endpoint.ip);
      if (seen !== undefined) return { ok: true, probes: [directory.view.endpoint(seen)], observed: [seen.key] };
      const peer = resolvePeer(endpoint.ip, { pods: directory.pods });
      return peer.ok ? { ok: true, probes: [peer.endpoint], observed: [] } : peer;
    }
    case "cidr": {
      const cidr = parseCidr(endpoint.cidr);
      if (cidr === undefined) return { ok: false, message: `${endpoint.cidr} is not a CIDR prefix` };
      const observed = worlds(directory).filter((i) => {
        const ip = parseIp(i.ip);
        return ip !== undefined && cidrContains(cidr, ip);
      });
      return { ok: true, probes: cidrEnds(cidr).map((ip) => ({ labels: ["reserved:world"], ip })), observed: observed.map((i) => i.key) };
    }
    case "fqdn": {
      const seen = worlds(directory).filter((i) => i.dnsNames.some((n) => withoutDot(n).toLowerCase() === endpoint.name)).slice(0, MAX_PROBES);
      if (seen.length > 0) return { ok: true, probes: seen.map((i) => directory.view.endpoint(i)), observed: seen.map((i) => i.key) };
      return { ok: true, probes: [{ labels: ["reserved:world"], dnsNames: [endpoint.name] }], observed: [] };
    }
    case "entity": {
      if (endpoint.entity === "world") {
        return { ok: true, probes: [{ labels: ["reserved:world"] }], observed: worlds(directory).map((i) => i.key) };
      }
      const key = `reserved:${endpoint.entity}`;
      const seen = (directory.identities ?? []).find((i) => i.key === key);
      if (seen === undefined) return { ok: true, probes: [{ labels: [key] }], observed: [] };
      // Traffic with the API server or a node carries that node's address, which NetworkPolicy
      // ipBlock rules are written against: probe at the addresses seen, when any were.
      const base = directory.view.endpoint(seen);
      const ips = (directory.addresses?.get(key) ?? []).slice(0, MAX_PROBES);
      return { ok: true, probes: ips.length === 0 ? [base] : ips.map((ip) => ({ ...base, ip })), observed: [key] };
    }
    default: {
      const never: never = endpoint;
      throw new Error(`unknown endpoint ${JSON.stringify(never)}`);
    }
  }
}
