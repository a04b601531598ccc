const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The CIDR a world address is allowed by: an IPv4 address masked to `prefix` bits
 * (`10.1.2.3` at 24 → `10.1.2.0/24`), an IPv6 address as its own /128. Undefined for text
 * that is not an address.
 */
export function worldCidr(ip: string, prefix: number): string | undefined {
  const m = IPV4.exec(ip);
  if (m !== null) {
    const octets = m.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    const value = octets.reduce((acc, o) => acc * 256 + o, 0);
    const bits = Math.min(32, Math.max(0, Math.trunc(prefix)));
    const size = 2 ** (32 - bits);
    const base = Math.floor(value / size) * size;
    const text = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".");
    return `${text}/${bits}`;
  }
  return ip.includes(":") && /^[0-9a-fA-F:.]+$/.test(ip) ? `${ip.toLowerCase()}/128` : undefined;
}

/** How many addresses a CIDR written by {@link worldCidr} covers (IPv6 /128: one). */
export function cidrSize(cidr: string): number {
  const slash = cidr.lastIndexOf("/");
  const bits = Number(cidr.slice(slash + 1));
  return cidr.includes(":") ? 2 ** Math.max(0, 128 - bits) : 2 ** Math.max(0, 32 - bits);
}
