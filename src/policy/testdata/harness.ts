/** Helpers shared by policy tests: build an evaluator from YAML and describe endpoints. */
import { compilePolicyModel } from "../compile/compile-model.js";
import type { PolicyEndpoint, ConnectionInput, L7Request } from "../evaluate/endpoint.js";
import type { Evaluation } from "../evaluate/evaluation.js";
import { createPolicyEvaluator } from "../evaluate/evaluator.js";
import type { SemanticsName } from "../evaluate/semantics.js";
import { parsePolicyDocuments } from "../parse/parse-documents.js";
import { EXAMPLE_INVENTORY, yamlDocuments } from "./example-policies.js";

/** A pod endpoint with Cilium labels for its namespace and the given pod labels. */
export function pod(namespace: string, labels: Readonly<Record<string, string>>, extra: Partial<PolicyEndpoint> = {}): PolicyEndpoint {
  return {
    labels: [`k8s:io.kubernetes.pod.namespace=${namespace}`, ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`)],
    namespace,
    ...extra,
  };
}

/** A peer outside the cluster. */
export function world(ip: string, dnsNames: readonly string[] = []): PolicyEndpoint {
  return { labels: ["reserved:world"], ip, ...(dnsNames.length > 0 ? { dnsNames } : {}) };
}

/** A reserved identity (host, remote-node, health, kube-apiserver, ...). */
export function reserved(name: string, ip?: string): PolicyEndpoint {
  return { labels: [`reserved:${name}`], ...(ip === undefined ? {} : { ip }) };
}

/** Compiles YAML (plus the example inventory) and returns an evaluate function. */
export function scenario(yaml: string, semantics: SemanticsName = "cilium") {
  const parsed = parsePolicyDocuments([...yamlDocuments(EXAMPLE_INVENTORY, "inventory.yaml"), ...yamlDocuments(yaml)]);
  if (parsed.problems.length > 0) throw new Error(`test policy has problems: ${JSON.stringify(parsed.problems)}`);
  const evaluator = createPolicyEvaluator(compilePolicyModel(parsed), { semantics });
  // `port` is `number/PROTOCOL`: a port, or for ICMPv4 / ICMPv6 an ICMP type; the number may be left out.
  return (
    source: PolicyEndpoint,
    destination: PolicyEndpoint,
    port = "80/TCP",
    l7?: L7Request,
  ): Evaluation => {
    const [num, protocol = "TCP"] = port.split("/");
    const n = num === undefined || num === "" ? undefined : Number(num);
    // For ICMPv4 / ICMPv6 the number is the ICMP type ("8/ICMPv4" is an echo request).
    const icmp = protocol === "ICMPv4" || protocol === "ICMPv6";
    const input: ConnectionInput = {
      source,
      destination,
      protocol,
      ...(n === undefined ? {} : icmp ? { icmpType: n } : { port: n }),
      ...(l7 === undefined ? {} : { l7 }),
    };
    return evaluator.evaluate(input);
  };
}

/** Compact verdict string `overall egress/ingress` for tables. */
export function verdicts(e: Evaluation): string {
  return `${e.verdict} ${e.egress.verdict}/${e.ingress.verdict}`;
}
