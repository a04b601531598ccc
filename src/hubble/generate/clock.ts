/**
 * The generator's virtual clock: nanosecond resolution without BigInt, rendered the way
 * protojson renders google.protobuf.Timestamp (RFC 3339 UTC, fraction trimmed to 0, 3, 6
 * or 9 digits). The date part is cached per second because most lines share it.
 */
export class VirtualClock {
  private seconds: number;
  private nanos: number;
  private cachedSecond = Number.NaN;
  private cachedPrefix = "";
  private readonly originSeconds: number;

  /** `startMs` is milliseconds since the epoch (may be fractional down to 1 µs). */
  constructor(startMs: number) {
    // Split before scaling: epoch nanoseconds exceed 2^53 and would lose precision.
    this.seconds = Math.floor(startMs / 1000);
    this.nanos = Math.round((startMs - this.seconds * 1000) * 1e6);
    if (this.nanos >= 1e9) {
      this.seconds += 1;
      this.nanos -= 1e9;
    }
    this.originSeconds = this.seconds;
  }

  /** Moves time forward by `ns` nanoseconds (rounded; negative values are ignored). */
  advance(ns: number): void {
    if (!(ns > 0)) return;
    const step = Math.round(ns);
    const carry = Math.floor((this.nanos + step) / 1e9);
    this.seconds += carry;
    this.nanos = this.nanos + step - carry * 1e9;
  }

  /** Nanoseconds since the clock's start second: exact for runs shorter than about 104 days. */
  nowNs(): number {
    return (this.seconds - this.originSeconds) * 1e9 + this.nanos;
  }

  /** Current time as protojson Timestamp text. */
  text(): string {
    if (this.seconds !== this.cachedSecond) {
      this.cachedSecond = this.seconds;
      this.cachedPrefix = new Date(this.seconds * 1000).toISOString().slice(0, 19);
    }
    return this.cachedPrefix + formatFraction(this.nanos) + "Z";
  }
}

/** protojson fraction: "" for 0, else 3, 6 or 9 digits, whichever keeps all precision. */
export function formatFraction(nanos: number): string {
  if (nanos === 0) return "";
  const digits = String(1_000_000_000 + nanos).slice(1);
  if (nanos % 1_000_000 === 0) return "." + digits.slice(0, 3);
  if (nanos % 1000 === 0) return "." + digits.slice(0, 6);
  return "." + digits;
}
