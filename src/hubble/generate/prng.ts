/**
 * A small seeded pseudo-random generator (mulberry32). Deterministic across platforms and
 * Node versions because it only uses 32-bit integer arithmetic, so the same seed always
 * yields the same synthetic capture byte for byte. Not for anything security-related.
 */

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, "0"),
);

function byteHex(v: number): string {
  return HEX_BYTES[v] ?? "00";
}

/** Seeded random source; every method advances the same internal state. */
export class Random {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that small neighbouring seeds diverge immediately.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max] (both inclusive). */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponentially distributed value with the given mean (for inter-arrival gaps). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("Random.pick on an empty list");
    return item;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let out = "";
    while (out.length < n) {
      const v = this.uint32();
      out += byteHex(v & 0xff) + byteHex((v >>> 8) & 0xff) + byteHex((v >>> 16) & 0xff) + byteHex(v >>> 24);
    }
    return out.slice(0, n);
  }

  /** A version-4-shaped UUID string (RFC 4122 layout), drawn from this generator. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    // Version nibble 4 and variant bits 10xx, as in random (version 4) UUIDs.
    const b2 = ((b >>> 8) & 0x0f) | 0x40;
    const c0 = (c & 0x3f) | 0x80;
    return byteHex(a >>> 24) + byteHex((a >>> 16) & 0xff) + byteHex((a >>> 8) & 0xff) + byteHex(a & 0xff) + "-" +
      byteHex(b >>> 24) + byteHex((b >>> 16) & 0xff) + "-" + byteHex(b2) + byteHex(b & 0xff) + "-" +
      byteHex(c0) + byteHex((c >>> 8) & 0xff) + "-" + byteHex((c >>> 16) & 0xff) + byteHex(c >>> 24) +
      byteHex(d >>> 24) + byteHex((d >>> 16) & 0xff) + byteHex((d >>> 8) & 0xff) + byteHex(d & 0xff);
  }

  /** Lowercase alphanumeric string like Kubernetes' random name suffixes (no vowels). */
  suffix(n: number): string {
    // Kubernetes' rand.String alphabet: consonants and digits without look-alikes.
    const alphabet = "bcdfghjklmnpqrstvwxz2456789";
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet.charAt(this.int(alphabet.length));
    return out;
  }
}
