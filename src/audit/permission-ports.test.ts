import { describe, expect, it } from "vitest";
import type { CompiledPort, CompiledRule, NamedPort } from "../policy/index.js";
import { semanticsProfile } from "../policy/index.js";
import { numericCoverage, portAdmits, portClasses } from "./permission-ports.js";
import type { PortElement } from "./permission-ports.js";

const cilium = semanticsProfile("cilium");
const upstream = semanticsProfile("upstream");

function port(fields: Partial<CompiledPort>): CompiledPort {
  return { index: 0, path: "spec.ingress[0].ports[0]", protocol: "TCP", fromNetworkPolicy: false, ...fields };
}

function element(text: string, workload = true): PortElement {
  const [protocol = "TCP", number = "0"] = text.split("/");
  return { protocol, port: Number(number), text, workload, world: !workload };
}

const NAMED: readonly NamedPort[] = [{ name: "http", port: 8080, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }];

describe("port alternatives", () => {
  it.each([
    ["a port of the connection's protocol", port({ port: 80 }), "TCP/80", cilium, true],
    ["another port", port({ port: 80 }), "TCP/81", cilium, false],
    ["another protocol", port({ protocol: "UDP", port: 80 }), "TCP/80", cilium, false],
    ["ANY on UDP", port({ protocol: "ANY", port: 53 }), "UDP/53", cilium, true],
    ["no port: every port of the protocol", port({}), "TCP/5432", cilium, true],
    ["no port, another protocol", port({}), "SCTP/132", cilium, false],
    ["an ICMP alternative on TCP", port({ protocol: "ICMP", port: 8 }), "TCP/8", cilium, false],
    ["the end of a Cilium range", port({ port: 3000, endPort: 3005 }), "TCP/3005", cilium, true],
    ["a NetworkPolicy endPort range under cilium (not supported there)", port({ port: 3000, endPort: 3005, fromNetworkPolicy: true }), "TCP/3001", cilium, false],
    ["a NetworkPolicy endPort range under upstream", port({ port: 3000, endPort: 3005, fromNetworkPolicy: true }), "TCP/3001", upstream, true],
    ["NetworkPolicy SCTP under cilium", port({ protocol: "SCTP", port: 132, fromNetworkPolicy: true }), "SCTP/132", cilium, false],
    ["NetworkPolicy SCTP under upstream", port({ protocol: "SCTP", port: 132, fromNetworkPolicy: true }), "SCTP/132", upstream, true],
    ["a named port the destination has", port({ name: "http" }), "TCP/8080", cilium, true],
    ["a named port of another protocol", port({ name: "dns" }), "UDP/53", cilium, false],
    ["a named port with ANY", port({ protocol: "ANY", name: "dns" }), "UDP/53", cilium, true],
  ] as const)("%s: admits %s", (_case, alt, text, profile, admits) => {
    expect(portAdmits(alt, element(text), NAMED, profile)).toBe(admits);
  });

  it("admits no named port on a destination whose ports are unknown", () => {
    expect(portAdmits(port({ name: "http" }), element("TCP/8080"), undefined, cilium)).toBe(false);
  });
});

describe("port classes", () => {
  const rule = (ports: CompiledPort[] | undefined): CompiledRule => ({
    ref: { policy: { kind: "NetworkPolicy", namespace: "x", name: "p" }, direction: "ingress", action: "allow", ruleIndex: 0, path: "spec.ingress[0]" },
    peers: undefined, ports, unsupported: [],
  });
  const elements = ["TCP/3000", "TCP/3003", "TCP/3005", "TCP/80", "UDP/53"].map((t) => element(t));

  it("gives a port range one class, and ports no rule tells apart another", () => {
    const coverages = [rule([port({ port: 3000, endPort: 3005 })]), rule(undefined)].map((r) => numericCoverage(r, elements, cilium));
    const classes = portClasses(elements, coverages, new Set());
    expect(classes.count).toBe(2);
    expect([...classes.classOf]).toEqual([0, 0, 0, 1, 1]);
    expect([...classes.workloadWeight]).toEqual([3, 2]);
  });

  it("keeps an element a named port resolves to in a class of its own", () => {
    const classes = portClasses(elements, [], new Set([3]));
    expect([...classes.classOf]).toEqual([0, 0, 0, 1, 0]);
  });
});
