/**
 * Hand-built Hubble captures of the hard cases of Cilium identity, direction and policy
 * semantics, in the shape of `hubble observe -o jsonpb` (one `GetFlowsResponse` per line),
 * for the recommendation and simulate tests. Each builder is deterministic.
 *
 *   const lines = buildCapture("udp-no-is-reply");
 *   await writeCaptureFile("public-ingress", join(dir, "flows.json")); // for --flows / ingest --from
 */
import { auditVerdicts } from "./audit-verdicts.js";
import { barePodSharingLabels } from "./bare-pod-sharing-labels.js";
import { cronjobNoTemplateLabels } from "./cronjob-no-template-labels.js";
import { dnsProxyUpstream } from "./dns-proxy-upstream.js";
import { httpQuery } from "./http-query.js";
import { icmp } from "./icmp.js";
import { kubeApiserverMulti } from "./kube-apiserver-multi.js";
import { l7WorldProxy } from "./l7-world-proxy.js";
import { nodeLocalDns } from "./node-local-dns.js";
import { publicIngress } from "./public-ingress.js";
import { twoClusters } from "./two-clusters.js";
import { udpNoIsReply } from "./udp-no-is-reply.js";
import type { GetFlowsResponseJson } from "./wire.js";
import { worldIdentityPod } from "./world-identity-pod.js";
import { writeNdjsonFile } from "./write-capture.js";
import type { WrittenCapture } from "./write-capture.js";

/** A capture case: what it shows, and its builder. */
export interface CaptureCase {
  readonly description: string;
  readonly build: () => readonly GetFlowsResponseJson[];
}

/** Every case by name. */
export const CAPTURE_CASES = {
  "world-identity-pod": {
    description: "a pod Hubble names but whose identity is 2 reserved:world, as client (TCP 8080) and as server (TCP 9000)",
    build: worldIdentityPod,
  },
  "l7-world-proxy": {
    description: "egress-proxy HTTP whose L7 records call a remote server reserved:world, its L3/L4 records the real identity (1.10)",
    build: l7WorldProxy,
  },
  "cronjob-no-template-labels": {
    description: "two overlapping runs of a CronJob whose pods carry only job-name/controller-uid labels, dialling postgres and DNS",
    build: cronjobNoTemplateLabels,
  },
  "bare-pod-sharing-labels": {
    description: "Deployment web and bare Pod web-debug with the same app/tier labels but another service account, both calling api:8080",
    build: barePodSharingLabels,
  },
  "node-local-dns": {
    description: "DNS to NodeLocal DNSCache at 169.254.20.10 (reserved:host, UDP and TCP 53) and the cache's upstream queries to CoreDNS",
    build: nodeLocalDns,
  },
  "udp-no-is-reply": {
    description: "UDP records without is_reply: same 5-tuple settled, reverse settled (a reply), port settled (a request), unsettled",
    build: udpNoIsReply,
  },
  "dns-proxy-upstream": {
    description: "DNS through Cilium's DNS proxy: REDIRECTED verdict, TO_PROXY, L7 records, upstream legs from remote-node and host",
    build: dnsProxyUpstream,
  },
  icmp: {
    description: "ICMPv4 echo pod to pod and pod to world, ICMPv6 echo pod to pod, replies flagged is_reply",
    build: icmp,
  },
  "two-clusters": {
    description: "ClusterMesh: frontend in cluster east calls the global shop/api Service with backends in east and west",
    build: twoClusters,
  },
  "audit-verdicts": {
    description: "policy audit mode: AUDIT verdicts with FORWARDED traces next to allowed connections of the same client",
    build: auditVerdicts,
  },
  "kube-apiserver-multi": {
    description: "an operator and a DaemonSet talking to three kube-apiserver addresses on 6443 via default/kubernetes",
    build: kubeApiserverMulti,
  },
  "public-ingress": {
    description: "ingress-nginx receiving TCP 443/80 from 40 world addresses and forwarding to web:8080; SSH probes denied",
    build: publicIngress,
  },
  "http-query": {
    description: "HTTP through the L7 proxy with query strings, ids in paths, POST/DELETE and a 404",
    build: httpQuery,
  },
} as const satisfies Record<string, CaptureCase>;

/** Name of a capture case (kebab-case, as its file). */
export type CaptureName = keyof typeof CAPTURE_CASES;

/** All case names, in the order above. */
export const CAPTURE_NAMES = Object.keys(CAPTURE_CASES) as readonly CaptureName[]; // cast: keys of a literal object

/** The lines of one case. */
export function buildCapture(name: CaptureName): readonly GetFlowsResponseJson[] {
  return CAPTURE_CASES[name].build();
}

/** Writes case `name` to `path` as NDJSON, as `hubble observe -o jsonpb` would (for `--flows FILE`, `ingest --from FILE`). */
export async function writeCaptureFile(name: CaptureName, path: string): Promise<WrittenCapture> {
  return writeNdjsonFile(buildCapture(name), path);
}

export { auditVerdicts, barePodSharingLabels, cronjobNoTemplateLabels, dnsProxyUpstream, httpQuery, icmp, kubeApiserverMulti };
export { l7WorldProxy, nodeLocalDns, publicIngress, twoClusters, udpNoIsReply, worldIdentityPod };
export { toNdjson, writeNdjsonFile } from "./write-capture.js";
export type { WrittenCapture } from "./write-capture.js";
export type { FlowJson, GetFlowsResponseJson } from "./wire.js";
