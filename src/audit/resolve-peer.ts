import type { Identity } from "../flows/index.js";
import { dns1123LabelProblem, dns1123SubdomainProblem, quoted } from "../flows/index.js";
import { parseIp } from "../policy/index.js";
import type { PodSpec, PolicyEndpoint } from "../policy/index.js";
import type { PolicyView } from "./policy-view.js";

/** How a peer named on a command line or in a query became a policy endpoint. */
export type PeerResolution =
  | {
      readonly ok: true;
      readonly endpoint: PolicyEndpoint;
      /** What the text was taken for: an observed workload, a Pod object, a namespace only, or the world. */
      readonly resolvedAs: "observed-workload" | "pod" | "namespace-only" | "world";
      /** Set when the answer rests on less than a workload's labels. */
      readonly note?: string;
    }
  | { readonly ok: false; readonly message: string };

/** Where peers are looked up: Pod objects of the policy model and, optionally, observed identities. */
export interface PeerDirectory {
  readonly pods: readonly PodSpec[];
  /** Workloads as Hubble reported them; matched first, since their labels are exactly what Cilium evaluates. */
  readonly identities?: readonly Identity[];
  /** Needed with `identities`: turns an identity into the endpoint the audit evaluates. */
  readonly view?: PolicyView;
}

/**
 * Turns `ns/workload` or an IP address into an endpoint. A workload is an observed workload
 * of that namespace and name, else a Pod object found by pod name or owner name (a ReplicaSet
 * `web-7d9f` counts for `web`); with neither, only the namespace's labels are known. An IP
 * that is no known pod is a peer outside the cluster (the `world` entity).
 */
export function resolvePeer(text: string, directory: PeerDirectory): PeerResolution {
  if (parseIp(text) !== undefined) {
    const pod = directory.pods.find((p) => p.ips.includes(text));
    if (pod === undefined) return { ok: true, endpoint: { labels: ["reserved:world"], ip: text }, resolvedAs: "world" };
    return { ok: true, endpoint: { labels: [], namespace: pod.namespace, podName: pod.name, ip: text }, resolvedAs: "pod" };
  }
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1 || text.indexOf("/", slash + 1) >= 0) return { ok: false, message: `must be ns/workload or an IP address, got "${text}"` };
  const namespace = text.slice(0, slash);
  const workload = text.slice(slash + 1);
  // Names as Kubernetes allows them (a namespace is a DNS-1123 label, a workload or pod name a
  // DNS-1123 subdomain): anything else can match no pod, and is refused rather than explained.
  const nsProblem = dns1123LabelProblem(namespace);
  if (nsProblem !== undefined) return { ok: false, message: `${quoted(namespace)} is not a valid namespace name (${nsProblem})` };
  const nameProblem = dns1123SubdomainProblem(workload);
  if (nameProblem !== undefined) return { ok: false, message: `${quoted(workload)} is not a valid workload name (${nameProblem})` };
  const observed = directory.view === undefined ? undefined : directory.identities?.find((i) => i.kind === "workload" && i.namespace === namespace && i.name === workload);
  if (observed !== undefined && directory.view !== undefined) return { ok: true, endpoint: directory.view.endpoint(observed), resolvedAs: "observed-workload" };
  const pod = directory.pods.find(
    (p) => p.namespace === namespace && (p.name === workload || p.owners.some((o) => o.name === workload || o.name.startsWith(`${workload}-`))),
  );
  if (pod === undefined) {
    return { ok: true, endpoint: { labels: [], namespace }, resolvedAs: "namespace-only", note: `no ${directory.identities === undefined ? "" : "observed workload or "}Pod object for ${text}; using only its namespace labels` };
  }
  return { ok: true, endpoint: { labels: [], namespace, podName: pod.name, ...(pod.ips[0] === undefined ? {} : { ip: pod.ips[0] }) }, resolvedAs: "pod" };
}
