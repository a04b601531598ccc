/** A TCP address to listen on. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or `:port` (all interfaces); returns undefined when the
 * text is not such an address or the port is outside 0..65535 (0 picks a free port).
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  const host = match[1] ?? match[2] ?? "";
  return { host: host === "" ? "0.0.0.0" : host, port };
}

/**
 * Whether only this host can reach the address: `localhost`, 127.0.0.0/8, `::1` or an
 * IPv4-mapped loopback address. `0.0.0.0`, `::` and every other address are reachable
 * from elsewhere (as far as the network lets them).
 */
export function isLoopbackListen(address: ListenAddress): boolean {
  const host = address.host.toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  const v4 = host.startsWith("::ffff:") ? host.slice("::ffff:".length) : host;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
