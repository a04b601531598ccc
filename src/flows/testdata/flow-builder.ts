import type { Flow, FlowEndpoint, Layer4, TcpFlags } from "../flow.js";

const NO_FLAGS: TcpFlags = { FIN: false, SYN: false, RST: false, PSH: false, ACK: false, URG: false, ECE: false, CWR: false, NS: false };

/** TCP flags from a compact spec such as "S", "SA", "PA", "FA". */
export function tcpFlags(spec: string): TcpFlags {
  return {
    ...NO_FLAGS,
    SYN: spec.includes("S"),
    ACK: spec.includes("A"),
    PSH: spec.includes("P"),
    FIN: spec.includes("F"),
    RST: spec.includes("R"),
  };
}

/** A pod endpoint of a Deployment, with Cilium-style labels. */
export function pod(namespace: string, app: string, options: { suffix?: string; identity?: number; extraLabels?: string[] } = {}): FlowEndpoint {
  return {
    id: 100,
    identity: options.identity ?? 1000 + app.length,
    clusterName: "",
    namespace,
    labels: [
      `k8s:app=${app}`,
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
      `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${namespace}`,
      `k8s:io.cilium.k8s.policy.serviceaccount=${app}`,
      ...(options.extraLabels ?? []),
    ],
    podName: `${app}-7d9c8b5f6d-${options.suffix ?? "x2k4q"}`,
    workloads: [],
  };
}

/** A reserved endpoint such as world or host. */
export function reservedEndpoint(entity: string, identity: number): FlowEndpoint {
  return { id: 0, identity, clusterName: "", namespace: "", labels: [`reserved:${entity}`], podName: "", workloads: [] };
}

/** Options of {@link flow}; anything not given takes a neutral default. */
export interface FlowSpec extends Partial<Omit<Flow, "time">> {
  /** Flow time in milliseconds since the epoch. */
  readonly at?: number;
}

/** Builds a normalized flow for tests: a forwarded TCP trace from web to api on 8080 by default. */
export function flow(spec: FlowSpec = {}): Flow {
  const at = spec.at ?? 1_700_000_000_000;
  const l4: Layer4 = spec.l4 ?? { protocol: "TCP", sourcePort: 40000, destinationPort: 8080, flags: tcpFlags("S") };
  return {
    uuid: "",
    verdict: "FORWARDED",
    dropReason: undefined,
    ip: { source: "10.0.1.10", destination: "10.0.2.20", sourceXlated: "", ipVersion: "IPv4", encrypted: false },
    source: pod("shop", "web"),
    destination: pod("shop", "api"),
    type: "L3_L4",
    nodeName: "node-a",
    sourceNames: [],
    destinationNames: [],
    l7: undefined,
    isReply: false,
    eventType: { type: 4, subType: 0 },
    sourceService: undefined,
    destinationService: undefined,
    trafficDirection: "EGRESS",
    policyMatchType: 0,
    traceObservationPoint: "FROM_ENDPOINT",
    traceReason: "",
    egressAllowedBy: [],
    ingressAllowedBy: [],
    egressDeniedBy: [],
    ingressDeniedBy: [],
    summary: "",
    ...spec,
    l4,
    time: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1_000_000 },
  };
}
