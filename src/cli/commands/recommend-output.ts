import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { archiveOf, outputFileUnder } from "../../api/index.js";
import type { OutputFile } from "../../recommend/index.js";
import { UsageError } from "../usage-error.js";

/** Where `recommend -o` sends the policies. */
export type RecommendOutput =
  | { readonly kind: "yaml" | "json" }
  | { readonly kind: "dir"; readonly path: string }
  | { readonly kind: "tar"; readonly file: string };

/** Parses `-o yaml|json|dir:PATH|tar:FILE`, or throws a usage error. */
export function parseRecommendOutput(text: string): RecommendOutput {
  if (text === "yaml" || text === "json") return { kind: text };
  const colon = text.indexOf(":");
  const head = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  if ((head === "dir" || head === "tar") && rest !== "") return head === "dir" ? { kind: "dir", path: rest } : { kind: "tar", file: rest };
  throw new UsageError(`-o must be yaml, json, dir:PATH or tar:FILE, got "${text}"`);
}

/** Writes the files under `dir` (created when missing); existing files of the same names are replaced. */
export function writeFilesTo(dir: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    const path = outputFileUnder(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
}

/** Writes the files into a tar archive (gzip-compressed when the name ends in .tgz or .gz). */
export async function writeTar(file: string, files: readonly OutputFile[]): Promise<void> {
  writeFileSync(file, await archiveOf(files, { gzip: /\.(tgz|gz)$/.test(file) }));
}
