import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { create } from "tar";
import type { OutputFile, OutputPath } from "../recommend/index.js";

/**
 * Where an output file goes under `dir`. Its path was made safe when it was built (see
 * pathSegment); this checks once more that it stays below `dir`, and throws (a bug) if not.
 */
export function outputFileUnder(dir: string, path: OutputPath): string {
  const full = resolve(dir, path);
  const rel = relative(resolve(dir), full);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`output path ${JSON.stringify(path)} leaves its directory`);
  return full;
}

/**
 * The files as a tar archive (gzip-compressed when asked), built from a private temporary
 * directory. Fixed mtimes and ownership make the archive depend only on its contents.
 */
export async function archiveOf(files: readonly OutputFile[], options: { readonly gzip: boolean }): Promise<Buffer> {
  const staging = mkdtempSync(join(tmpdir(), "hubble-auditor-archive-"));
  try {
    for (const f of files) {
      const path = outputFileUnder(staging, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
    }
    const chunks: Buffer[] = [];
    const stream = create({ cwd: staging, gzip: options.gzip, portable: true, mtime: new Date(0) }, files.map((f) => f.path));
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
