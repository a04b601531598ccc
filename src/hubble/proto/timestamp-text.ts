import type { Timestamp } from "../../flows/index.js";

// RFC 3339 as protojson writes it (always UTC "Z") and as other tools may (offsets).
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses RFC 3339 text into a Timestamp; undefined when the text is not RFC 3339. */
export function parseTimestamp(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, date, clock, fraction, zone] = m;
  const ms = Date.parse(`${date ?? ""}T${clock ?? ""}${zone === "z" ? "Z" : (zone ?? "")}`);
  if (Number.isNaN(ms)) return undefined;
  const nanos = fraction ? Number(fraction.padEnd(9, "0")) : 0;
  return { seconds: Math.floor(ms / 1000), nanos };
}
