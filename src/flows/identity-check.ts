import type { Identity } from "./identity.js";
import { dns1123LabelProblem, dns1123SubdomainProblem, kindProblem, labelKeyProblem, labelValueProblem, quoted } from "./k8s-names.js";
import { ciliumLabelProblem, clusterNameProblem } from "./label-check.js";

function named(field: string, value: string, what: string, problem: (v: string) => string | undefined): string | undefined {
  const bad = problem(value);
  return bad === undefined ? undefined : `${field} ${quoted(value)} is not a valid ${what} (${bad})`;
}

function labelsProblem(field: string, labels: Readonly<Record<string, string>>): string | undefined {
  for (const [key, value] of Object.entries(labels)) {
    const bad = named(`${field} key`, key, "label key", labelKeyProblem) ?? named(`${field}[${quoted(key)}]`, value, "label value", labelValueProblem);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

function ciliumLabelsProblem(labels: readonly string[]): string | undefined {
  for (const label of labels) {
    const bad = named("Cilium label", label, "Cilium label", ciliumLabelProblem);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

function optional(problem: (v: string) => string | undefined): (v: string) => string | undefined {
  return (v) => (v === "" ? undefined : problem(v));
}

/**
 * What is wrong with an identity that must keep it out of an analysis; undefined when it is
 * sound. Flows are checked on the way in (see flowProblem), so only a graph written before
 * that check can hold such an identity: its names and labels go into policy objects and
 * file names, and one bad one would spoil every recommendation. A workload's name must be a
 * DNS-1123 subdomain even when it was derived from a label, because policy names are built
 * from it.
 */
export function identityProblem(identity: Identity): string | undefined {
  if (identity.kind === "reserved") {
    const pod = identity.pod;
    if (pod !== undefined) {
      const slash = pod.indexOf("/");
      const bad = named("pod namespace", pod.slice(0, Math.max(0, slash)), "namespace name", optional(dns1123LabelProblem))
        ?? named("pod", pod.slice(slash + 1), "pod name", dns1123SubdomainProblem);
      if (bad !== undefined) return bad;
    }
    return ciliumLabelsProblem(identity.ciliumLabels);
  }
  return named("namespace", identity.namespace, "namespace name", dns1123LabelProblem)
    ?? named("workload", identity.name, "workload name", dns1123SubdomainProblem)
    ?? named("workload kind", identity.workloadKind, "workload kind", kindProblem)
    ?? named("cluster", identity.cluster, "cluster name", clusterNameProblem)
    ?? named("service account", identity.serviceAccount, "service account name", optional(dns1123SubdomainProblem))
    ?? labelsProblem("label", identity.labels)
    ?? labelsProblem("namespace label", identity.namespaceLabels)
    ?? ciliumLabelsProblem(identity.ciliumLabels);
}
