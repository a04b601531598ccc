import type { Workload } from "./flow.js";
import { isDns1123Subdomain } from "./k8s-names.js";

/** The controller that owns a pod, as far as it can be told. */
export interface WorkloadOwner {
  readonly kind: string;
  readonly name: string;
}

// Kubernetes names generated suffixes with its "safe" alphabet (no vowels, no 0/1/3), see
// k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: ReplicaSet pod-template hashes and the
// 5-character random pod suffixes both use it.
const SAFE = "[bcdfghjklmnpqrstvwxz2456789]";
const REPLICASET_POD = new RegExp(`^(.+)-${SAFE}{6,10}-${SAFE}{5}$`);
const RANDOM_SUFFIX_POD = new RegExp(`^(.+)-${SAFE}{5}$`);
const ORDINAL_POD = /^(.+)-(\d+)$/;
// CronJob-created Jobs are named <cronjob>-<scheduled time in minutes since the epoch>.
const CRONJOB_JOB = /^(.+)-(\d{8,})$/;

/** Hints from the pod's labels (keys present before hygiene, and a few values). */
export interface OwnerHints {
  readonly labelKeys: ReadonlySet<string>;
  /** Value of the `job-name` / `batch.kubernetes.io/job-name` label, "" when absent. */
  readonly jobName: string;
}

/**
 * Works out a pod's owning workload. Hubble's `workloads` field (Cilium 1.11+) is used when
 * present; a ReplicaSet there is reported as its Deployment when its name carries a
 * pod-template hash. Otherwise the owner is inferred from the pod name the way Kubernetes
 * controllers build names, helped by the controller labels:
 * - Job pods carry `job-name`; a job named `<x>-<minutes>` belongs to CronJob `<x>`;
 * - StatefulSet pods are `<set>-<ordinal>` (and carry statefulset.kubernetes.io/pod-name);
 * - Deployment pods are `<deployment>-<template hash>-<suffix>`;
 * - DaemonSet pods are `<daemonset>-<suffix>` and carry controller-revision-hash;
 * - anything else is a bare Pod named as itself.
 */
export function ownerOf(podName: string, workloads: readonly Workload[], hints: OwnerHints): WorkloadOwner {
  const owner = inferOwner(podName, workloads, hints);
  // Controllers' names are DNS-1123 subdomains (apimachinery ValidateObjectMeta), and so are
  // the pod names built from them; a prefix cut from an unusual pod name that is not one
  // (`a--0` gives `a-`) cannot be its controller's name, so the pod stands for itself.
  return owner.kind === "Pod" || isDns1123Subdomain(owner.name) ? owner : { kind: "Pod", name: podName };
}

function inferOwner(podName: string, workloads: readonly Workload[], hints: OwnerHints): WorkloadOwner {
  const reported = workloads[0];
  if (reported && reported.name !== "" && reported.kind !== "") {
    if (reported.kind === "ReplicaSet") {
      const m = new RegExp(`^(.+)-${SAFE}{6,10}$`).exec(reported.name);
      if (m?.[1]) return { kind: "Deployment", name: m[1] };
    }
    return { kind: reported.kind, name: reported.name };
  }
  if (hints.jobName !== "") {
    const cron = CRONJOB_JOB.exec(hints.jobName);
    return cron?.[1] ? { kind: "CronJob", name: cron[1] } : { kind: "Job", name: hints.jobName };
  }
  const keys = hints.labelKeys;
  const ordinal = ORDINAL_POD.exec(podName);
  if (ordinal?.[1] && (keys.has("statefulset.kubernetes.io/pod-name") || keys.has("apps.kubernetes.io/pod-index") || !keys.has("pod-template-hash"))) {
    return { kind: "StatefulSet", name: ordinal[1] };
  }
  const rs = REPLICASET_POD.exec(podName);
  if (rs?.[1]) return { kind: "Deployment", name: rs[1] };
  const ds = RANDOM_SUFFIX_POD.exec(podName);
  if (ds?.[1] && (keys.has("controller-revision-hash") || keys.has("pod-template-generation") || !keys.has("pod-template-hash"))) {
    return { kind: "DaemonSet", name: ds[1] };
  }
  return { kind: "Pod", name: podName };
}
