/**
 * IPv4/IPv6 addresses and CIDR prefixes as numbers, so that membership is a mask
 * and compare. IPv4 uses 32-bit numbers and IPv6 uses bigint.
 */

/** A parsed IP address. */
export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

/** A parsed prefix; `text` is how it was written. */
export type Cidr =
  | { readonly family: 4; readonly base: number; readonly mask: number; readonly bits: number; readonly text: string }
  | { readonly family: 6; readonly base: bigint; readonly mask: bigint; readonly bits: number; readonly text: string };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (m === null) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] ?? "";
    if (part.length > 1 && part.startsWith("0")) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? "";
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else return undefined;
    }
    return out;
  };
  const head = toGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? toGroups(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Parses a textual IPv4 or IPv6 address; `undefined` when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/**
 * Parses `a.b.c.d/n` or `x::y/n`. With `allowBareIp`, an address alone is a host prefix
 * (Cilium's `fromCIDR`/`toCIDR` accept that). Host bits set below the prefix are ignored,
 * as Kubernetes accepts such `ipBlock.cidr` values. `undefined` when invalid.
 */
export function parseCidr(text: string, allowBareIp = false): Cidr | undefined {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const bitsText = slash < 0 ? undefined : text.slice(slash + 1);
  if (bitsText === undefined && !allowBareIp) return undefined;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const ip = parseIp(addrText);
  if (ip === undefined) return undefined;
  if (ip.family === 4) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (bits > 32) return undefined;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return { family: 4, base: (ip.value & mask) >>> 0, mask, bits, text };
  }
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (bits > 128) return undefined;
  const all = (1n << 128n) - 1n;
  const mask = bits === 0 ? 0n : (all << BigInt(128 - bits)) & all;
  return { family: 6, base: ip.value & mask, mask, bits, text };
}

/** Whether `ip` lies inside `cidr` (different families never match). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family === 4) return ip.family === 4 && ((ip.value & cidr.mask) >>> 0) === cidr.base;
  return ip.family === 6 && (ip.value & cidr.mask) === cidr.base;
}

/** Whether `inner` is inside `outer` (same family, at least as long a prefix). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.bits < outer.bits) return false;
  if (inner.family === 4) return cidrContains(outer, { family: 4, value: inner.base });
  return cidrContains(outer, { family: 6, value: inner.base });
}
