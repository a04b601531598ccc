import { describe, expect, it } from "vitest";
import type { Flow } from "../../flows/flow.js";
import { connectionFromFlow } from "./from-flow.js";

const endpoint = (ns: string, app: string) => ({
  id: 1,
  identity: 1000,
  clusterName: "c",
  namespace: ns,
  labels: [`k8s:io.kubernetes.pod.namespace=${ns}`, `k8s:app=${app}`],
  podName: `${app}-0`,
  workloads: [],
});

const base: Flow = {
  time: { seconds: 0, nanos: 0 },
  uuid: "",
  verdict: "FORWARDED",
  dropReason: undefined,
  l7: undefined,
  sourceService: undefined,
  destinationService: undefined,
  ip: { source: "10.0.0.1", destination: "10.0.0.2", sourceXlated: "", ipVersion: "IPv4", encrypted: false },
  l4: { protocol: "TCP", sourcePort: 40000, destinationPort: 80, flags: { FIN: false, SYN: true, RST: false, PSH: false, ACK: false, URG: false, ECE: false, CWR: false, NS: false } },
  source: endpoint("a", "client"),
  destination: endpoint("b", "server"),
  type: "L3_L4",
  nodeName: "n",
  sourceNames: [],
  destinationNames: [],
  isReply: false,
  eventType: { type: 4, subType: 0 },
  trafficDirection: "EGRESS",
  policyMatchType: 0,
  traceObservationPoint: "",
  traceReason: "",
  egressAllowedBy: [],
  ingressAllowedBy: [],
  egressDeniedBy: [],
  ingressDeniedBy: [],
  summary: "",
};

describe("connectionFromFlow", () => {
  it("keeps the direction of a request", () => {
    const c = connectionFromFlow(base);
    expect(c).toMatchObject({ kind: "connection", reply: false, input: { protocol: "TCP", port: 80, source: { podName: "client-0", ip: "10.0.0.1" } } });
  });

  it("turns a reply back into its connection", () => {
    const c = connectionFromFlow({ ...base, isReply: true, source: endpoint("b", "server"), destination: endpoint("a", "client"), l4: { protocol: "TCP", sourcePort: 80, destinationPort: 40000, flags: base.l4?.protocol === "TCP" ? base.l4.flags : { FIN: false, SYN: false, RST: false, PSH: false, ACK: true, URG: false, ECE: false, CWR: false, NS: false } } });
    expect(c).toMatchObject({ kind: "connection", reply: true, input: { port: 80, source: { podName: "client-0" }, destination: { podName: "server-0" } } });
  });

  it("reads HTTP requests and reserved identities", () => {
    const c = connectionFromFlow({
      ...base,
      destination: { ...endpoint("", ""), identity: 2, labels: [], namespace: "", podName: "" },
      l7: { type: "REQUEST", latencyNs: 0, http: { code: 0, method: "GET", url: "http://api.example.com/v1?q=1", protocol: "HTTP/1.1", headers: [] }, dns: undefined, other: false },
    });
    expect(c).toMatchObject({
      input: { destination: { labels: ["reserved:world"] }, l7: { kind: "http", method: "GET", path: "/v1?q=1", host: "api.example.com" } },
    });
  });
});

describe("connectionFromFlow: ICMP", () => {
  const icmp = (protocol: "ICMPv4" | "ICMPv6", type: number) => ({ protocol, type, code: 0 }) as const;
  it.each([
    ["an echo request", icmp("ICMPv4", 8), false, 8],
    ["an ICMPv6 neighbor solicitation", icmp("ICMPv6", 135), false, 135],
    ["a destination unreachable", icmp("ICMPv4", 3), false, 3],
    ["an echo reply (its request's type)", icmp("ICMPv4", 0), true, 8],
    ["a timestamp reply", icmp("ICMPv4", 14), true, 13],
    ["an ICMPv6 echo reply", icmp("ICMPv6", 129), true, 128],
    ["an ICMPv6 extended echo reply", icmp("ICMPv6", 161), true, 160],
    ["a reply flagged error message (kept)", icmp("ICMPv6", 1), true, 1],
  ])("carries the ICMP type of %s", (_name, l4, isReply, icmpType) => {
    const c = connectionFromFlow({ ...base, l4, isReply });
    expect(c).toMatchObject({ kind: "connection", reply: isReply, input: { protocol: l4.protocol, icmpType } });
    if (c.kind === "connection") expect(c.input.port).toBeUndefined();
  });

  it("sets no ICMP type for other protocols", () => {
    const c = connectionFromFlow(base);
    if (c.kind === "connection") expect(c.input.icmpType).toBeUndefined();
    expect(c.kind).toBe("connection");
  });
});
