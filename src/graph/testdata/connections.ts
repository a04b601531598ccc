import type { Connection, ConnectionL7, Identity, SideVerdict, WorkloadIdentity } from "../../flows/index.js";

/** A Deployment identity with plausible labels. */
export function workload(namespace: string, name: string, labels: Record<string, string> = {}): WorkloadIdentity {
  return {
    kind: "workload", key: `${namespace}/Deployment/${name}`, cluster: "", namespace, workloadKind: "Deployment", name,
    labels: { app: name, ...labels }, namespaceLabels: { "kubernetes.io/metadata.name": namespace }, serviceAccount: name,
    ciliumLabels: [`k8s:app=${name}`, `k8s:io.kubernetes.pod.namespace=${namespace}`],
  };
}

/** The world identity of one external address. */
export function world(ip: string, names: string[] = []): Identity {
  return { kind: "reserved", key: `world:${ip}`, entity: "world", ip, dnsNames: names, ciliumLabels: ["reserved:world"] };
}

/** A side verdict. */
export function side(verdict: SideVerdict["verdict"], source: SideVerdict["source"] = "policy-verdict"): SideVerdict {
  return { verdict, dropReason: verdict === "DROPPED" ? "POLICY_DENIED" : undefined, source, policies: [] };
}

/** A connection event at `ms` (flow time); everything not given is a forwarded TCP/8080 connection. */
export function connection(
  ms: number,
  from: Identity,
  to: Identity,
  extra: Partial<Omit<Connection, "time" | "lastTime" | "source" | "destination">> & { l7?: ConnectionL7 } = {},
): Connection {
  const seconds = Math.floor(ms / 1000);
  const time = { seconds, nanos: (ms - seconds * 1000) * 1e6 };
  const verdict = extra.verdict ?? "FORWARDED";
  return {
    kind: "new", time, lastTime: time, source: from, destination: to, protocol: "TCP", port: 8080, verdict,
    dropReason: verdict === "DROPPED" ? "POLICY_DENIED" : undefined, egress: side(verdict), ingress: undefined,
    l7: undefined, sourceIp: "10.0.0.1", destinationIp: "10.0.0.2", nodes: ["node-a"], events: 1, ...extra,
  };
}
