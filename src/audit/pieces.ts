import type { CompiledPeer, CompiledPort } from "../policy/index.js";

/** How a peer alternative reads in findings: `k8s:app=web, ...`, `entity world`, `cidr 0.0.0.0/0`, `fqdn *.example.com`. */
export function peerText(peer: CompiledPeer): string {
  switch (peer.kind) {
    case "selector":
      return `selector ${peer.selector.text}`;
    case "entity":
      return `entity ${peer.entity}`;
    case "cidr":
      return peer.except.length === 0 ? `cidr ${peer.cidr.text}` : `cidr ${peer.cidr.text} except ${peer.except.map((c) => c.text).join(", ")}`;
    case "fqdn":
      return `fqdn ${peer.matcher.text}`;
    case "unsupported":
      return `unsupported ${peer.construct}`;
    default: {
      const never: never = peer;
      throw new Error(`unknown peer ${JSON.stringify(never)}`);
    }
  }
}

/** `TCP/8080`, `TCP/8000-8100`, `TCP/http` (named), `ANY/*` (every port). */
export function compiledPortText(port: CompiledPort): string {
  if (port.name !== undefined) return `${port.protocol}/${port.name}`;
  if (port.port === undefined || port.port === 0) return `${port.protocol}/*`;
  return port.endPort === undefined || port.endPort === port.port ? `${port.protocol}/${port.port}` : `${port.protocol}/${port.port}-${port.endPort}`;
}

/**
 * How many (protocol, port) pairs a port alternative admits: a range counts its ports, a
 * missing port every port of the protocol (65535), and protocol ANY covers TCP, UDP and
 * SCTP. ICMP alternatives and named ports count 1. `undefined` port lists mean all ports.
 */
export function portWidth(port: CompiledPort | undefined): number {
  if (port === undefined) return 65535 * 3;
  if (port.protocol === "ICMP" || port.protocol === "ICMPv6" || port.name !== undefined) return 1;
  const protocols = port.protocol === "ANY" ? 3 : 1;
  if (port.port === undefined || port.port === 0) return 65535 * protocols;
  const end = port.endPort ?? port.port;
  return Math.max(1, end - port.port + 1) * protocols;
}
