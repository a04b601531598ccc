import type { Flow, FlowEndpoint, Layer4 } from "./flow.js";
import { dns1123LabelProblem, dns1123SubdomainProblem, kindProblem, quoted } from "./k8s-names.js";
import { ciliumLabelProblem, clusterNameProblem } from "./label-check.js";

/** What is wrong with a flow: the field (proto field names, e.g. `flow.source.namespace`) and why. */
export interface FlowProblem {
  readonly path: string;
  readonly message: string;
}

/** Largest TCP, UDP or SCTP port: ports are 16-bit numbers. */
const MAX_PORT = 65_535;
/** Largest ICMP type or code: one byte each (RFC 792, RFC 4443). */
const MAX_ICMP = 255;

type EndpointProblem = { readonly field: string; readonly message: string } | null;

// Decoders share endpoint objects between flows (see to-flow.ts), so an endpoint is
// checked once, however many flows carry it.
const checked = new WeakMap<FlowEndpoint, EndpointProblem>();

function nameProblem(field: string, value: string, what: string, problem: (v: string) => string | undefined): EndpointProblem {
  const bad = problem(value);
  return bad === undefined ? null : { field, message: `${quoted(value)} is not a valid ${what} (${bad})` };
}

function endpointProblem(ep: FlowEndpoint): EndpointProblem {
  if (ep.namespace !== "") {
    const bad = nameProblem("namespace", ep.namespace, "namespace name", dns1123LabelProblem);
    if (bad) return bad;
  }
  if (ep.podName !== "") {
    const bad = nameProblem("pod_name", ep.podName, "pod name", dns1123SubdomainProblem);
    if (bad) return bad;
  }
  const cluster = nameProblem("cluster_name", ep.clusterName, "cluster name", clusterNameProblem);
  if (cluster) return cluster;
  for (const [i, w] of ep.workloads.entries()) {
    const name = nameProblem(`workloads[${i}].name`, w.name, "workload name", dns1123SubdomainProblem);
    if (name) return name;
    const kind = nameProblem(`workloads[${i}].kind`, w.kind, "workload kind", kindProblem);
    if (kind) return kind;
  }
  for (const [i, label] of ep.labels.entries()) {
    const bad = nameProblem(`labels[${i}]`, label, "Cilium label", ciliumLabelProblem);
    if (bad) return bad;
  }
  return null;
}

function checkEndpoint(ep: FlowEndpoint | undefined, side: "source" | "destination"): FlowProblem | undefined {
  if (ep === undefined) return undefined;
  let problem = checked.get(ep);
  if (problem === undefined) {
    problem = endpointProblem(ep);
    checked.set(ep, problem);
  }
  return problem === null ? undefined : { path: `flow.${side}.${problem.field}`, message: problem.message };
}

function rangeProblem(path: string, value: number, max: number, what: string): FlowProblem | undefined {
  if (Number.isInteger(value) && value >= 0 && value <= max) return undefined;
  return { path, message: `${value} is not a valid ${what} (an integer from 0 to ${max})` };
}

function layer4Problem(l4: Layer4 | undefined): FlowProblem | undefined {
  if (l4 === undefined) return undefined;
  switch (l4.protocol) {
    case "TCP":
    case "UDP":
    case "SCTP":
      return rangeProblem(`flow.l4.${l4.protocol}.source_port`, l4.sourcePort, MAX_PORT, "port")
        ?? rangeProblem(`flow.l4.${l4.protocol}.destination_port`, l4.destinationPort, MAX_PORT, "port");
    case "ICMPv4":
    case "ICMPv6":
      return rangeProblem(`flow.l4.${l4.protocol}.type`, l4.type, MAX_ICMP, "ICMP type")
        ?? rangeProblem(`flow.l4.${l4.protocol}.code`, l4.code, MAX_ICMP, "ICMP code");
    case "VRRP":
    case "IGMP":
      return undefined;
    default: {
      const never: never = l4;
      return never;
    }
  }
}

/**
 * The first thing wrong with a flow that must keep it out of the graph; undefined when it
 * may be stored. Names are held to Kubernetes' rules (an endpoint's namespace is a DNS-1123
 * label, its pod and owner names DNS-1123 subdomains, its labels what Cilium writes; see
 * ciliumLabelProblem), ports to 0-65535 and ICMP type and code to 0-255. Empty names are
 * Hubble's "not reported" and pass; an owner reported without a name does not.
 */
export function flowProblem(flow: Flow): FlowProblem | undefined {
  return checkEndpoint(flow.source, "source") ?? checkEndpoint(flow.destination, "destination") ?? layer4Problem(flow.l4);
}
