import { describe, expect, it } from "vitest";
import type { FlowEndpoint, Layer4 } from "./flow.js";
import { flowProblem } from "./flow-check.js";
import { flow, pod, reservedEndpoint, tcpFlags } from "./testdata/flow-builder.js";

function withSource(change: Partial<FlowEndpoint>): ReturnType<typeof flow> {
  return flow({ source: { ...pod("shop", "web"), ...change } });
}

describe("flowProblem", () => {
  it("passes a well-formed flow and endpoints that report no names", () => {
    expect(flowProblem(flow())).toBeUndefined();
    expect(flowProblem(flow({ source: reservedEndpoint("world", 2), destination: undefined }))).toBeUndefined();
  });

  it.each([
    ["../..", { namespace: "../.." }, "flow.source.namespace", '"../.." is not a valid namespace name (DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit)'],
    ["/", { namespace: "/" }, "flow.source.namespace", /^"\/" is not a valid namespace name/],
    ["UPPER", { namespace: "UPPER" }, "flow.source.namespace", /^"UPPER" is not a valid namespace name/],
    ["a newline", { namespace: "a\nb" }, "flow.source.namespace", /^"a\\nb" is not a valid namespace name/],
    ["64 characters", { namespace: "n".repeat(64) }, "flow.source.namespace", /DNS-1123 label: at most 63 characters/],
    ["unicode", { namespace: "prodüction" }, "flow.source.namespace", /^"prodüction" is not a valid namespace name/],
    ["a bad pod name", { podName: "web/../x" }, "flow.source.pod_name", /^"web\/..\/x" is not a valid pod name \(DNS-1123 subdomain/],
    ["a bad owner name", { workloads: [{ name: "Web", kind: "Deployment" }] }, "flow.source.workloads[0].name", /^"Web" is not a valid workload name/],
    ["an empty owner name", { workloads: [{ name: "", kind: "Deployment" }] }, "flow.source.workloads[0].name", /^"" is not a valid workload name/],
    ["a bad owner kind", { workloads: [{ name: "web", kind: "Deploy ment" }] }, "flow.source.workloads[0].kind", /^"Deploy ment" is not a valid workload kind/],
    ["a bad cluster name", { clusterName: "../c" }, "flow.source.cluster_name", /^"..\/c" is not a valid cluster name/],
    ["a label key with two slashes", { labels: ["k8s:a/b/c=x"] }, "flow.source.labels[0]", '"k8s:a/b/c=x" is not a valid Cilium label (a label key has at most one \'/\')'],
    ["a label value of 64 characters", { labels: [`k8s:app=${"v".repeat(64)}`] }, "flow.source.labels[0]", /a label value has at most 63 characters/],
  ])("rejects %s, naming the field", (_what, change, path, message) => {
    const problem = flowProblem(withSource(change));
    expect(problem?.path).toBe(path);
    if (typeof message === "string") expect(problem?.message).toBe(message);
    else expect(problem?.message).toMatch(message);
  });

  it("names the destination side", () => {
    expect(flowProblem(flow({ destination: { ...pod("shop", "api"), namespace: "x.y" } }))?.path).toBe("flow.destination.namespace");
  });

  it.each<[string, Layer4, string | undefined]>([
    ["port 65535", { protocol: "TCP", sourcePort: 65535, destinationPort: 0, flags: tcpFlags("S") }, undefined],
    ["port 65536", { protocol: "TCP", sourcePort: 1, destinationPort: 65536, flags: tcpFlags("S") }, "flow.l4.TCP.destination_port"],
    ["a UDP port past 16 bits", { protocol: "UDP", sourcePort: 4294967295, destinationPort: 53 }, "flow.l4.UDP.source_port"],
    ["an SCTP port that is not an integer", { protocol: "SCTP", sourcePort: 1.5, destinationPort: 9 }, "flow.l4.SCTP.source_port"],
    ["ICMP type 255", { protocol: "ICMPv4", type: 255, code: 0 }, undefined],
    ["ICMP type 256", { protocol: "ICMPv6", type: 256, code: 0 }, "flow.l4.ICMPv6.type"],
    ["ICMP code 300", { protocol: "ICMPv4", type: 8, code: 300 }, "flow.l4.ICMPv4.code"],
  ])("checks the range of %s", (_what, l4, path) => {
    expect(flowProblem(flow({ l4 }))?.path).toBe(path);
  });

  it("says what range a port has", () => {
    expect(flowProblem(flow({ l4: { protocol: "UDP", sourcePort: 70000, destinationPort: 53 } }))?.message).toBe("70000 is not a valid port (an integer from 0 to 65535)");
  });
});
