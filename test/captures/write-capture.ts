/**
 * Capture lines to NDJSON as `hubble observe -o jsonpb` writes them: Go's `json.Encoder`
 * puts one compact object and a newline per event and escapes `<`, `>`, `&`, U+2028 and
 * U+2029 inside strings as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`.
 */
import { writeFile } from "node:fs/promises";
import type { GetFlowsResponseJson } from "./wire.js";

const GO_ESCAPES = /[<>&\u2028\u2029]/g;

/** One line as Go's `json.Encoder` would print `value` (without the newline). */
export function toGoJsonLine(value: unknown): string {
  // These characters only ever occur inside JSON strings, where the escape means the same.
  return JSON.stringify(value).replace(GO_ESCAPES, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The whole file: one line per response, each ending in a newline. */
export function toNdjson(lines: readonly GetFlowsResponseJson[]): string {
  return lines.map((line) => `${toGoJsonLine(line)}\n`).join("");
}

/** What {@link writeNdjsonFile} wrote. */
export interface WrittenCapture {
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
}

/** Writes `lines` to `path` as NDJSON, replacing the file. */
export async function writeNdjsonFile(lines: readonly GetFlowsResponseJson[], path: string): Promise<WrittenCapture> {
  const text = toNdjson(lines);
  await writeFile(path, text, "utf8");
  return { path, lines: lines.length, bytes: Buffer.byteLength(text, "utf8") };
}
