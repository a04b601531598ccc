import { formatTimestamp } from "../../src/flows/index.js";

/** A seeded pseudo-random source (mulberry32), so every capture is the same on every run. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `count` lower-case hex digits. */
  hex(count: number): string {
    let out = "";
    for (let i = 0; i < count; i++) out += this.between(0, 15).toString(16);
    return out;
  }

  /** A version-4 UUID, as Hubble's `Flow.uuid`. */
  uuid(): string {
    const variant = "89ab".charAt(this.between(0, 3));
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}

/** Flow time with nanosecond resolution that only moves forward. */
export class Clock {
  private seconds: number;
  private nanos: number;

  /** `start` is an RFC 3339 UTC time (fraction allowed, e.g. `2024-05-14T09:30:12.118204551Z`). */
  constructor(start: string, private readonly random: Random) {
    const match = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(start);
    const whole = match?.[1];
    if (whole === undefined) throw new Error(`not an RFC 3339 UTC time: ${start}`);
    this.seconds = Date.parse(`${whole}Z`) / 1000;
    if (!Number.isInteger(this.seconds)) throw new Error(`not an RFC 3339 UTC time: ${start}`);
    this.nanos = Number((match?.[2] ?? "").padEnd(9, "0"));
  }

  /** The current time as protojson prints it. */
  now(): string {
    return formatTimestamp({ seconds: this.seconds, nanos: this.nanos });
  }

  /** The current time in milliseconds since the epoch. */
  nowMs(): number {
    return this.seconds * 1000 + this.nanos / 1e6;
  }

  /** Moves forward by a random span in [minUs, maxUs] microseconds plus odd nanoseconds. */
  advance(minUs: number, maxUs: number): void {
    this.addNanos(this.random.between(minUs, maxUs) * 1000 + this.random.between(1, 999));
  }

  /** Moves forward by exactly `ms` milliseconds (timeouts, retransmissions, job schedules). */
  skip(ms: number): void {
    this.addNanos(ms * 1_000_000);
  }

  private addNanos(ns: number): void {
    const total = this.nanos + ns;
    this.seconds += Math.floor(total / 1e9);
    this.nanos = total % 1e9;
  }
}
