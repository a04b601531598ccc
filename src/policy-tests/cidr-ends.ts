import type { Cidr } from "../policy/index.js";

function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => String(Math.floor(value / 2 ** shift) % 256)).join(".");
}

function ipv6Text(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(":");
}

/** The first and last address of a prefix (one address for a /32 or /128), as text. */
export function cidrEnds(cidr: Cidr): readonly string[] {
  if (cidr.family === 4) {
    const size = 2 ** (32 - cidr.bits);
    const first = cidr.base;
    return size === 1 ? [ipv4Text(first)] : [ipv4Text(first), ipv4Text(first + size - 1)];
  }
  const size = 1n << BigInt(128 - cidr.bits);
  return size === 1n ? [ipv6Text(cidr.base)] : [ipv6Text(cidr.base), ipv6Text(cidr.base + size - 1n)];
}
